// Behaviour that would otherwise be inline (the Content-Security-Policy forbids inline script):
// <form data-confirm="Question?"> asks before submitting; <button data-print> prints the page.
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
