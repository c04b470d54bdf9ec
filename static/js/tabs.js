// Tabs as the ARIA Authoring Practices describe them: a tablist of buttons, one panel
// shown at a time; the left and right arrow keys, Home and End move between tabs and show each at once
// (the panels are already drawn, so showing one costs nothing); only the selected tab is
// in the Tab order, and its panel follows it.

export function wireTabs(tablist) {
  const tabs = [...tablist.querySelectorAll("[role=tab]")];

  function select(tab, { focus = false } = {}) {
    for (const other of tabs) {
      const selected = other === tab;
      other.setAttribute("aria-selected", String(selected));
      other.tabIndex = selected ? 0 : -1;
      document.getElementById(other.getAttribute("aria-controls")).hidden = !selected;
    }
    if (focus) tab.focus();
  }

  tablist.addEventListener("click", (clicked) => {
    const tab = clicked.target.closest("[role=tab]");
    if (tab) select(tab);
  });
  tablist.addEventListener("keydown", (pressed) => {
    const at = tabs.indexOf(pressed.target.closest("[role=tab]"));
    const next = { ArrowRight: at + 1, ArrowLeft: at - 1, Home: 0, End: tabs.length - 1 }[pressed.key];
    if (at < 0 || next === undefined) return;
    pressed.preventDefault();
    select(tabs[(next + tabs.length) % tabs.length], { focus: true });
  });

  // Shows the tab of that key (data-tab); false when this page has no such tab.
  return (key) => {
    const tab = tabs.find((candidate) => candidate.dataset.tab === key);
    if (tab) select(tab);
    return Boolean(tab);
  };
}
