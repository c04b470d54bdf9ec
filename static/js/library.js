// The scenario library: after a refused upload, focus goes to the summary of its problems
// (role=alert), so a keyboard or screen-reader user starts from what to fix.
const summary = document.querySelector("[data-focus]");
if (summary) summary.focus();
