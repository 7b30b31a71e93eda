// Behaviour that would otherwise be inline (the Content-Security-Policy forbids inline script):
// <form data-confirm="Question?"> asks before submitting; <button data-print> prints the page;
// a .filepick input shows the chosen file's name in its [data-filepick-name].
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
