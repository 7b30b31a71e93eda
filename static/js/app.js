// Behaviour that would otherwise be inline (the Content-Security-Policy forbids inline script):
// <form data-confirm="Question?"> asks before submitting; <button data-print> prints the page;
// a .filepick input shows the chosen file's name in its [data-filepick-name]; a create form's
// one-time token ([data-once], formutil.TokenInput) is replaced by one made here.
document.addEventListener("submit", function (event) {
  var question = event.target.getAttribute && event.target.getAttribute("data-confirm");
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
document.addEventListener("click", function (event) {
  if (event.target.closest && event.target.closest("[data-print]")) {
    window.print();
  }
});
document.addEventListener("change", function (event) {
  var input = event.target;
  if (!input.classList || !input.classList.contains("filepick-input")) {
    return;
  }
  var name = input.closest(".filepick").querySelector("[data-filepick-name]");
  if (name && input.files && input.files.length) {
    name.textContent = input.files[0].name;
  }
});

// Every page is no-store, so Back loads a create form anew, with a new token in its HTML. The
// browser then restores what the user typed, and a value a script set, but not a value from the
// HTML: so the token is set here, and the form saved again after Back carries its first token,
// which the server recognises (formtokens.py). A form that came back with errors is the same.
function newToken() {
  var bytes = window.crypto.getRandomValues(new Uint8Array(16));
  return Array.prototype.map.call(bytes, function (b) {
    return ("0" + b.toString(16)).slice(-2);
  }).join("");
}
Array.prototype.forEach.call(document.querySelectorAll("input[data-once]"), function (input) {
  if (input.value === input.defaultValue) {
    input.value = newToken();
  }
});
