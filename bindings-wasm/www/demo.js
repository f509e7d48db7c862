// The demo's forms do not leave the page: a submit shows what the form would send.
for (const form of document.querySelectorAll("form")) {
  form.addEventListener("submit", (e) => {
    e.preventDefault();
    document.getElementById("inviato").textContent = JSON.stringify({ form: form.id, ...Object.fromEntries(new FormData(form)) }, null, 2);
  });
}
