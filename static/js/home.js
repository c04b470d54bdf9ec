// The exercise library: creating an exercise posts to the API, then opens its console.
import { wireForms } from "./commands.js";

const main = document.querySelector("main");
wireForms(main, {
  done(form, answer) {
    if (form.dataset.command === "create-exercise") window.location.assign(`/facilitator/exercises/${answer.id}/`);
  },
});
