// The exercise library: creating or duplicating an exercise posts to the API, then opens
// the new exercise's console (the forms' data-go).
import { wireForms } from "./commands.js";

wireForms(document.querySelector("main"));
