// Relais's only script: a module, so it runs only in browsers that GOV.UK Frontend supports. It
// marks the page as such (the CSS then enables the components' enhanced styles) and starts the
// components. Pages work without it. No inline script: the Content-Security-Policy forbids it.
//
// tools/build-assets.sh rewrites the import below to the fingerprinted file name.
import { initAll } from "./govuk-frontend.min.js";

document.body.classList.add("govuk-frontend-supported");
initAll();
