// Starts the NHS.UK design system components. Module scripts run only in browsers the design
// system supports, so this is where the page is marked as such (no inline script: strict CSP).
import { initAll } from "./nhsuk-frontend.min.js";

document.body.classList.add("js-enabled", "nhsuk-frontend-supported");
initAll();
