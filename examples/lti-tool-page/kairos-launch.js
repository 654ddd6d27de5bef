// Receives the LTI launch from Kairos and loads the Kairos widgets. Kairos sends a learner launch of a
// link with `page=<this page's URL>` here with `#kairos-launch=<JSON>` in the address: the same bootstrap
// (xAPI endpoint, a 2-hour learner token, actor, course, registration, language) that Kairos's own
// activity page carries. The fragment never reaches a server, this one included.
const PREFIX = '#kairos-launch=';
const KEY = 'kairos-launch'; // sessionStorage: a reload of this tab keeps its launch

const status = (text) => {
  document.getElementById('status').textContent = text;
};

function takeLaunch() {
  if (location.hash.startsWith(PREFIX)) {
    const json = decodeURIComponent(location.hash.slice(PREFIX.length));
    // out of the address bar and the history: the token is for this page only
    history.replaceState(null, '', location.pathname + location.search);
    try {
      sessionStorage.setItem(KEY, json);
    } catch {
      // storage blocked (an LMS frame in a strict browser): a reload will ask for a new launch
    }
    return JSON.parse(json);
  }
  try {
    const kept = sessionStorage.getItem(KEY);
    return kept ? JSON.parse(kept) : undefined;
  } catch {
    return undefined;
  }
}

const launch = takeLaunch();
if (!launch) {
  status('Open this page from your course: the LMS launches Kairos, which hands this page its session.');
} else {
  // The widgets read <script type="application/json" id="kairos-launch">, as on Kairos's own page.
  const bootstrap = document.createElement('script');
  bootstrap.type = 'application/json';
  bootstrap.id = 'kairos-launch';
  bootstrap.textContent = JSON.stringify(launch);
  document.head.append(bootstrap);
  // the Kairos server that launched us serves the widgets beside its xAPI endpoint
  const kairos = launch.endpoint.replace(/\/xapi\/?$/, '');
  import(`${kairos}/elements/kairos-learner.js`).catch(() =>
    status(`The Kairos widgets did not load from ${kairos}/elements/kairos-learner.js.`),
  );
  // the learner's progress follows their answers within seconds
  document.addEventListener('kairos-complete', () =>
    setTimeout(() => document.querySelector('kairos-progress')?.refresh(), 2000),
  );
}
