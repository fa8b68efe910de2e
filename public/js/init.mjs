// Starts the GOV.UK Frontend components (Exit this page, skip link, error summary...).
import { initAll } from "/assets/govuk-frontend.min.js";

initAll();
