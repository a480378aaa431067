import { AgentClient, fetchAgentToken } from '@livedesk/client';
import { Desk } from './desk.js';
import { h } from './dom.js';

/** The login form; a good password opens the desk on the same origin as the page. */
function showLogin(root: HTMLElement): void {
  const email = h('input', { id: 'email', type: 'email', autocomplete: 'username', required: true });
  const password = h('input', { id: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const error = h('p', { class: 'error', role: 'alert' });
  const submit = h('button', { type: 'submit', text: 'Sign in' });
  const form = h(
    'form',
    { class: 'login', 'aria-label': 'Sign in' },
    h('h1', { text: 'Agent desk' }),
    h('label', { for: 'email', text: 'Email' }),
    email,
    h('label', { for: 'password', text: 'Password' }),
    password,
    submit,
    error,
  );
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    submit.disabled = true;
    error.textContent = '';
    const url = location.origin;
    const credentials = { email: email.value, password: password.value };
    const client = new AgentClient({ url, token: () => fetchAgentToken(url, credentials) });
    client.connect().then(
      (login) => {
        root.replaceChildren();
        new Desk(root, client, login).start();
      },
      (failure: unknown) => {
        client.close();
        submit.disabled = false;
        error.textContent = `Sign-in failed: ${failure instanceof Error ? failure.message : String(failure)}`;
      },
    );
  });
  root.replaceChildren(form);
  email.focus();
}

showLogin(document.getElementById('desk')!);
