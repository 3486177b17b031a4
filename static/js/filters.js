/*
 * The session list without full page loads: changing a filter fetches the list for the
 * new query string and swaps in the parts of the page marked data-swap (the filter
 * form with its counts, the chips, the result count and the results), then puts the
 * new address in the history so that back, forward and bookmarks work.
 *
 * Only an enhancement: without it the form submits and every link loads a page.
 */
(function () {
  "use strict";

  var form = document.getElementById("filter-form");
  if (!form || !window.fetch || !window.history.pushState || !window.DOMParser) {
    return;
  }
  var listPath = new URL(form.action, document.baseURI).pathname;
  var panel = document.getElementById("filter-panel");
  var wideScreen = window.matchMedia("(min-width: 48rem)");
  var latestRequest = 0;
  var shown = location.pathname + location.search;

  // A wide screen shows the panel open, even where CSS alone cannot open a <details>.
  function openPanelOnWideScreens() {
    if (panel && wideScreen.matches) {
      panel.open = true;
    }
  }

  // The form's values as a query string, without the empty ones or the default order,
  // and back on page one.
  function formAddress() {
    var query = new URLSearchParams();
    var sortGroup = form.querySelector("[data-default-sort]");
    var defaultSort = sortGroup && sortGroup.getAttribute("data-default-sort");
    new FormData(form).forEach(function (value, name) {
      var text = String(value).trim();
      if (name === "page" || text === "" || (name === "sort" && text === defaultSort)) {
        return;
      }
      query.append(name, value);
    });
    var text = query.toString();
    return listPath + (text ? "?" + text : "");
  }

  function swapIn(html) {
    var fresh = new DOMParser().parseFromString(html, "text/html");
    var focusedId = document.activeElement && document.activeElement.id;
    fresh.querySelectorAll("[data-swap][id]").forEach(function (part) {
      var current = document.getElementById(part.id);
      if (current) {
        current.innerHTML = part.innerHTML;
      }
    });
    document.title = fresh.title;
    var refocus = focusedId && document.getElementById(focusedId);
    if (refocus && refocus !== document.activeElement) {
      refocus.focus();
    }
  }

  // After a page or sort link, the reader continues from the top of the new results.
  function moveToResults() {
    var heading = document.getElementById("results-heading");
    if (heading && heading.getBoundingClientRect().top < 0) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  }

  function show(address, addToHistory, fromLink) {
    var request = ++latestRequest;
    var results = document.getElementById("result-list");
    if (results) {
      results.setAttribute("aria-busy", "true");
    }
    return fetch(address, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok && response.status !== 404) {
          throw new Error(response.statusText);
        }
        return response.text().then(function (html) {
          return { html: html, address: response.url };
        });
      })
      .then(function (page) {
        if (request !== latestRequest) {
          return; // a later change has been asked for since
        }
        var url = new URL(page.address, document.baseURI);
        shown = url.pathname + url.search;
        if (addToHistory) {
          history.pushState({ sessionList: true }, "", shown);
        }
        swapIn(page.html);
        if (fromLink) {
          moveToResults();
        }
      })
      .catch(function () {
        location.assign(address); // let the browser load the page the usual way
      })
      .then(function () {
        var current = document.getElementById("result-list");
        if (current) {
          current.removeAttribute("aria-busy");
        }
      });
  }

  form.addEventListener("change", function (event) {
    if (event.target.matches("select")) {
      show(formAddress(), true);
    }
  });

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    show(formAddress(), true);
  });

  // Chips, sort links and page links lead to the same list with other filters.
  document.addEventListener("click", function (event) {
    var link = event.target.closest("a[href]");
    if (!link || event.defaultPrevented || event.button !== 0) {
      return;
    }
    if (event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) {
      return;
    }
    if (!link.closest("[data-swap]") || link.closest("form")) {
      return;
    }
    var url = new URL(link.href, document.baseURI);
    if (url.origin !== location.origin || url.pathname !== listPath) {
      return;
    }
    event.preventDefault();
    show(url.pathname + url.search, true, true);
  });

  window.addEventListener("popstate", function () {
    var address = location.pathname + location.search;
    if (location.pathname === listPath && address !== shown) {
      show(address, false);
    }
  });

  history.replaceState({ sessionList: true }, "", location.href);
  openPanelOnWideScreens();
  if (wideScreen.addEventListener) {
    wideScreen.addEventListener("change", openPanelOnWideScreens);
  }
})();
