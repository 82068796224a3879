// Loaded as a module so that the Content-Security-Policy can forbid inline scripts.
import { initAll } from "./govuk-frontend.min.js";

initAll();
