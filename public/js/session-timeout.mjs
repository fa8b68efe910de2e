// The timeout warning on signed-in partner pages (GOV.UK's timeout warning pattern): before the
// session ends, a modal dialog says when, and "Stay signed in" restarts the idle clock on the
// server. If the time runs out, the dialog says so: what was typed on the page is still kept when
// the form is sent (the portal keeps it through signing in again). Without JavaScript, nothing.
//
// The page says how many seconds its session is sure to last (data-expires-in); the other tabs of
// the same browser share the latest end time through localStorage, so activity in one tab moves
// the warning in all of them.

const dialog = document.getElementById("session-timeout");
const STORE_KEY = "rhins.sessionEndsAt";
/** Long timers are split, so a computer waking from sleep notices soon. */
const MAX_WAIT_MS = 30_000;

if (dialog && typeof dialog.showModal === "function") {
  const warnMs = Number(dialog.dataset.warnBefore) * 1000;
  const keepAliveUrl = dialog.dataset.keepAliveUrl;
  const warning = dialog.querySelector("[data-timeout-part=warning]");
  const ended = dialog.querySelector("[data-timeout-part=ended]");
  const countdown = dialog.querySelector("[data-timeout-countdown]");
  const announce = dialog.querySelector("[data-timeout-announce]");
  const stay = dialog.querySelector("[data-timeout-stay]");
  const close = dialog.querySelector("[data-timeout-close]");

  let endsAt = Date.now() + Number(dialog.dataset.expiresIn) * 1000;
  let timer;
  let ticking;
  let returnFocusTo;
  let lastAnnounced;
  let hasEnded = false;

  const shared = () => {
    try {
      return Number(window.localStorage.getItem(STORE_KEY)) || 0;
    } catch {
      return 0; // storage turned off: this tab alone
    }
  };
  const share = () => {
    try {
      if (endsAt > shared()) window.localStorage.setItem(STORE_KEY, String(endsAt));
    } catch {
      // storage turned off: this tab alone
    }
  };

  /** "2 minutes", "1 minute 30 seconds", "45 seconds". */
  const inWords = (seconds) => {
    const minutes = Math.floor(seconds / 60);
    const rest = seconds % 60;
    const parts = [];
    if (minutes) parts.push(`${minutes} ${minutes === 1 ? "minute" : "minutes"}`);
    if (rest || !minutes) parts.push(`${rest} ${rest === 1 ? "second" : "seconds"}`);
    return parts.join(" ");
  };

  const showPart = (part) => {
    warning.hidden = part !== warning;
    ended.hidden = part !== ended;
    const id = part === warning ? "session-timeout" : "session-timeout-ended";
    dialog.setAttribute("aria-labelledby", `${id}-heading`);
    dialog.setAttribute("aria-describedby", `${id}-message`);
  };

  const open = (part) => {
    showPart(part);
    if (!dialog.open) {
      returnFocusTo = document.activeElement;
      dialog.showModal(); // the rest of the page is inert until it closes: focus stays in here
    }
    (part === warning ? stay : close).focus();
  };

  const shut = () => {
    clearInterval(ticking);
    ticking = undefined;
    if (dialog.open) dialog.close();
    if (returnFocusTo && typeof returnFocusTo.focus === "function") returnFocusTo.focus();
    returnFocusTo = undefined;
  };

  const end = () => {
    hasEnded = true;
    clearTimeout(timer);
    clearInterval(ticking);
    ticking = undefined;
    announce.textContent = "You have been signed out.";
    open(ended);
  };

  // The visible countdown changes every second, but is hidden from screen readers; they hear the
  // time when the dialog opens (its description) and then every 30 seconds, not every second.
  const tick = () => {
    const left = Math.max(0, Math.ceil((endsAt - Date.now()) / 1000));
    if (left === 0) return end();
    countdown.textContent = inWords(left);
    const step = Math.ceil(left / 30);
    if (lastAnnounced !== undefined && step !== lastAnnounced) {
      announce.textContent = `We will sign you out in ${inWords(left)}.`;
    }
    lastAnnounced = step;
  };

  const check = () => {
    clearTimeout(timer);
    if (hasEnded) return;
    endsAt = Math.max(endsAt, shared());
    const left = endsAt - Date.now();
    if (left <= 0) return end();
    if (left <= warnMs) {
      if (!dialog.open) {
        lastAnnounced = undefined;
        announce.textContent = "";
        tick();
        open(warning);
      }
      if (!ticking) ticking = setInterval(tick, 1000);
      timer = setTimeout(check, Math.min(left, MAX_WAIT_MS));
      return;
    }
    if (dialog.open) shut(); // another tab kept the session alive
    timer = setTimeout(check, Math.min(left - warnMs, MAX_WAIT_MS));
  };

  let asking = false;
  const stayed = async () => {
    if (asking) return;
    asking = true;
    try {
      const res = await fetch(keepAliveUrl, {
        credentials: "same-origin",
        cache: "no-store",
        redirect: "manual", // an ended session answers with the sign-in page
        headers: { Accept: "application/json" },
      });
      const body = res.ok && (res.headers.get("content-type") ?? "").includes("json") ? await res.json() : undefined;
      if (!body || !(body.expiresInSeconds > 0)) return end();
      endsAt = Date.now() + body.expiresInSeconds * 1000;
      share();
      shut();
      check();
    } catch {
      end();
    } finally {
      asking = false;
    }
  };

  // The page behind a modal dialog is inert; Tab also wraps round inside it rather than leaving
  // for the browser's own controls, as the pattern asks.
  dialog.addEventListener("keydown", (event) => {
    if (event.key !== "Tab") return;
    const part = hasEnded ? ended : warning;
    const focusable = [...part.querySelectorAll("a[href], button:not([disabled])")];
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    if (event.shiftKey && document.activeElement === first) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && document.activeElement === last) {
      event.preventDefault();
      first.focus();
    }
  });
  stay.addEventListener("click", stayed);
  close.addEventListener("click", shut);
  // Escape: in the warning it means "stay signed in", as the pattern asks; afterwards, close.
  dialog.addEventListener("cancel", (event) => {
    event.preventDefault();
    if (hasEnded) shut();
    else stayed();
  });
  window.addEventListener("storage", (event) => {
    if (event.key === STORE_KEY) check();
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "visible") check();
  });

  share();
  check();
}
