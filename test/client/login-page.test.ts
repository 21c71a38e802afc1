// @vitest-environment jsdom
// The sign-in page shows a throttled sign-in (429 with Retry-After, test/server/sign-in-limits.test.ts) as a
// sentence with the wait, in its alert region, and lets the member try again afterwards.
import { describe, expect, it, vi } from 'vitest';
import { until, useShellContext } from '../helpers/jsdom-shell.js';
import '../../client/components/stoa-login-page.js';

type Lit = HTMLElement & { updateComplete: Promise<unknown> };

useShellContext();

describe('sign-in page', () => {
  it('says how long to wait when sign-in is throttled, without blaming a field', async () => {
    const detail = 'Too many failed sign-ins to this account from here. A browser you have signed in with before can still sign in.';
    const fetch = vi.fn(async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify({ type: 'about:blank', title: 'Too Many Requests', status: 429, code: 'rate_limited', detail, retryAfter: 840 }), {
        status: 429,
        headers: { 'content-type': 'application/problem+json; charset=utf-8', 'retry-after': '840' },
      }),
    );
    vi.stubGlobal('fetch', fetch);
    const el = document.createElement('stoa-login-page') as Lit;
    document.body.append(el);
    await el.updateComplete;
    const root = el.shadowRoot!;
    (root.querySelector('input[name=email]') as HTMLInputElement).value = 'ana@example.test';
    (root.querySelector('input[name=password]') as HTMLInputElement).value = 'a wrong password';
    const alert = () => root.querySelector('[role=alert]')!.textContent ?? '';
    root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await until(el, () => alert() !== '', 'the refusal in the alert region');
    expect(fetch).toHaveBeenCalledTimes(1);
    expect(fetch.mock.calls[0]![0]).toBe('/api/auth/login');
    expect((fetch.mock.calls[0]![1] as RequestInit).credentials).toBe('same-origin'); // the device cookie goes along
    expect(root.querySelector('[role=alert]')!.textContent).toBe(`${detail} You can try again in about 14 minutes.`);
    expect(root.querySelector('input[name=email]')!.getAttribute('aria-invalid')).toBe('false');
    expect(root.querySelector('input[name=password]')!.getAttribute('aria-invalid')).toBe('false');
    expect((root.querySelector('button[type=submit]') as HTMLButtonElement).disabled).toBe(false);

    // Without a problem body (e.g. a proxy's 429), the Retry-After header still gives the wait.
    fetch.mockImplementationOnce(async () => new Response('slow down', { status: 429, headers: { 'retry-after': '30' } }));
    const first = alert();
    root.querySelector('form')!.dispatchEvent(new Event('submit', { cancelable: true }));
    await until(el, () => alert() !== '' && alert() !== first, 'the second refusal in the alert region');
    expect(root.querySelector('[role=alert]')!.textContent).toContain('You can try again in about 1 minute.');
  });
});
