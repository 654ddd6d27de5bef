const esc = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** An auto-submitting form (OIDC `form_post` response mode, deep linking return). */
export function formPostPage(action: string, fields: Record<string, string>): string {
  const inputs = Object.entries(fields)
    .map(([k, v]) => `<input type="hidden" name="${esc(k)}" value="${esc(v)}">`)
    .join('');
  return `<!doctype html><html><body><form id="f" method="post" action="${esc(action)}">${inputs}</form>
<script>document.getElementById('f').submit()</script></body></html>`;
}

/**
 * A course page framing the tool (as Moodle and Canvas do), answering the 1EdTech platform storage messages
 * (`lti.capabilities`, `lti.put_data`, `lti.get_data`) from the framed tool.
 */
export function courseLaunchPage(loginUrl: string, issuer: string): string {
  return `<!doctype html><html><head><title>Algebra 101 — test LMS</title></head><body>
<h1>Algebra 101</h1>
<iframe id="tool" name="tool" src="${esc(loginUrl)}" width="1000" height="700"
  allow="storage-access-by-user-activation" sandbox="allow-scripts allow-forms allow-same-origin allow-popups allow-popups-to-escape-sandbox allow-storage-access-by-user-activation"></iframe>
<script>
const store = new Map();
window.addEventListener('message', (event) => {
  const m = event.data || {};
  const reply = (body) => event.source.postMessage({ message_id: m.message_id, ...body }, event.origin);
  if (m.subject === 'lti.capabilities') {
    reply({ subject: 'lti.capabilities.response', supported_messages: [
      { subject: 'lti.put_data' }, { subject: 'lti.get_data' }, { subject: 'lti.capabilities' } ] });
  } else if (m.subject === 'lti.put_data') {
    store.set(event.origin + '|' + m.key, m.value);
    reply({ subject: 'lti.put_data.response', key: m.key, value: m.value });
  } else if (m.subject === 'lti.get_data') {
    const value = store.get(event.origin + '|' + m.key);
    if (value === undefined) reply({ subject: 'lti.get_data.response', key: m.key, error: { code: 'not_found', message: 'no such key' } });
    else reply({ subject: 'lti.get_data.response', key: m.key, value });
  }
});
window.platformIssuer = ${JSON.stringify(issuer)};
</script></body></html>`;
}
