// Loaded first, before the page is drawn: says the script runs, so the small-screen layout may fold the
// navigation and the filters behind buttons that app.js wires (without script they stay open).
document.documentElement.classList.add("js");
