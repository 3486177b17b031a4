/*
 * Recordings on YouTube or Vimeo: each is a link to the recording, made here into a
 * button that puts in the host's privacy-enhanced player only when pressed. Until then
 * the page loads nothing from those hosts.
 *
 * Only an enhancement: without it the link opens the recording on its host.
 */
(function () {
  "use strict";

  function putInPlayer(container, button) {
    var frame = document.createElement("iframe");
    frame.src = container.getAttribute("data-player-src");
    frame.title = container.getAttribute("data-player-title");
    frame.allow = "autoplay; fullscreen; picture-in-picture; encrypted-media";
    frame.allowFullscreen = true;
    frame.referrerPolicy = "strict-origin-when-cross-origin";
    frame.className = "player-frame";
    container.replaceChildren(frame);
    frame.focus();
  }

  document.querySelectorAll("[data-player-src]").forEach(function (container) {
    var link = container.querySelector("a.play-button");
    if (!link) {
      return;
    }
    var button = document.createElement("button");
    button.type = "button";
    button.className = link.className;
    button.replaceChildren.apply(button, Array.from(link.childNodes));
    link.replaceWith(button);
    button.addEventListener("click", function () {
      putInPlayer(container, button);
    });
  });
})();
