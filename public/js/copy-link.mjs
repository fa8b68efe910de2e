// Copy buttons (progressive enhancement): an element with data-copy-for="id" gets a button that
// copies the text of the element with that id, only where the browser can copy
// (navigator.clipboard, in a secure context); without JavaScript there is no button to fail.
// The element's [data-copy-status] says whether it worked.
for (const place of document.querySelectorAll("[data-copy-for]")) {
  const target = document.getElementById(place.getAttribute("data-copy-for") ?? "");
  if (!target || !navigator.clipboard || typeof navigator.clipboard.writeText !== "function") continue;
  const status = place.querySelector("[data-copy-status]");
  const button = document.createElement("button");
  button.type = "button";
  button.className = "govuk-button govuk-button--secondary govuk-!-margin-bottom-0 govuk-!-margin-right-2";
  button.textContent = place.getAttribute("data-copy-label") || "Copy";
  button.addEventListener("click", async () => {
    try {
      await navigator.clipboard.writeText(target.textContent?.trim() ?? "");
      if (status) status.textContent = "Link copied";
    } catch {
      if (status) status.textContent = "The link could not be copied: select it and copy it yourself";
    }
  });
  place.prepend(button);
}
