// The print view's Print button (no inline handlers: the pages' security policy forbids them).
for (const button of document.querySelectorAll("[data-print]")) {
  button.addEventListener("click", () => window.print());
}
