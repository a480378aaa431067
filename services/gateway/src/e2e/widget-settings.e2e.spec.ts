import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { ChatSystem } from '@livedesk/testing';

const HOURS = {
  time_zone: 'Europe/Warsaw',
  weekly: [
    { day: 'mon', from: '09:00', to: '12:00' },
    { day: 'mon', from: '13:00', to: '17:00' },
    { day: 'sat', from: '10:00', to: '24:00' },
  ],
  holidays: ['2026-12-25'],
};

// The widget's settings of an organization: set and read by its admins (`GET|PATCH
// /v1/organizations/:id`), read by the widget without a token (`GET /v1/customer/widget-settings`)
// from the organization's allowed origins only.
describe("organizations' widget settings", () => {
  let system: ChatSystem;

  const settingsUrl = (organizationId: string) => `${system.gatewayUrl()}/v1/organizations/${organizationId}`;
  async function patch(
    organizationId: string,
    body: unknown,
    token = system.adminToken,
  ): Promise<{ status: number; body: any }> {
    const response = await fetch(settingsUrl(organizationId), {
      method: 'PATCH',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.json() };
  }
  async function get(organizationId: string, token = system.adminToken): Promise<{ status: number; body: any }> {
    const response = await fetch(settingsUrl(organizationId), { headers: { authorization: `Bearer ${token}` } });
    return { status: response.status, body: await response.json() };
  }
  function widgetSettings(query: string, origin?: string): Promise<Response> {
    return fetch(`${system.gatewayUrl()}/v1/customer/widget-settings${query}`, { headers: origin ? { origin } : {} });
  }

  beforeAll(async () => {
    system = await ChatSystem.start({ gateways: 1 });
  });

  afterAll(async () => {
    await system?.stop();
  });

  it('sets, reads back and clears the welcome message, business hours and auto-open delay', async () => {
    const { organization_id: org } = await system.createOrganization('Settings shop');
    expect((await get(org)).body).toMatchObject({
      welcome_message: null,
      business_hours: null,
      widget_open_delay_seconds: null,
    });
    const set = await patch(org, {
      welcome_message: ' Hi! We answer within minutes. ',
      business_hours: HOURS,
      widget_open_delay_seconds: 5,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      organization_id: org,
      welcome_message: 'Hi! We answer within minutes.',
      business_hours: HOURS,
      widget_open_delay_seconds: 5,
    });
    expect((await get(org)).body).toEqual(set.body);
    // Holidays may be left out: none.
    const noHolidays = await patch(org, {
      business_hours: { time_zone: 'UTC', weekly: [{ day: 'sun', from: '00:00', to: '24:00' }] },
    });
    expect(noHolidays.body.business_hours).toEqual({
      time_zone: 'UTC',
      weekly: [{ day: 'sun', from: '00:00', to: '24:00' }],
      holidays: [],
    });
    // Other fields stay as they were.
    expect(noHolidays.body).toMatchObject({
      welcome_message: 'Hi! We answer within minutes.',
      widget_open_delay_seconds: 5,
    });
    const cleared = await patch(org, { welcome_message: null, business_hours: null, widget_open_delay_seconds: null });
    expect(cleared.body).toMatchObject({
      welcome_message: null,
      business_hours: null,
      widget_open_delay_seconds: null,
    });
    expect((await get(org)).body).toEqual(cleared.body);
  });

  it('refuses malformed settings with 400 validation and changes nothing', async () => {
    const { organization_id: org } = await system.createOrganization('Strict shop');
    const before = (await get(org)).body;
    const interval = (from: string, to: string, day = 'mon') => ({ time_zone: 'UTC', weekly: [{ day, from, to }] });
    for (const body of [
      { business_hours: { ...HOURS, time_zone: 'Mars/Olympus' } },
      { business_hours: { ...HOURS, time_zone: '+01:00' } },
      { business_hours: interval('17:00', '09:00') },
      { business_hours: interval('09:00', '09:00') },
      { business_hours: interval('9:00', '17:00') },
      { business_hours: interval('09:00', '24:01') },
      { business_hours: interval('09:00', '17:00', 'monday') },
      { business_hours: { time_zone: 'UTC', weekly: [] } },
      {
        business_hours: {
          time_zone: 'UTC',
          weekly: [
            { day: 'mon', from: '09:00', to: '13:00' },
            { day: 'mon', from: '12:00', to: '17:00' },
          ],
        },
      },
      { business_hours: { ...HOURS, holidays: ['25.12.2026'] } },
      { business_hours: { ...HOURS, open: true } },
      { business_hours: 'always' },
      { welcome_message: '' },
      { welcome_message: 'x'.repeat(1001) },
      { widget_open_delay_seconds: -1 },
      { widget_open_delay_seconds: 3601 },
      { widget_open_delay_seconds: 1.5 },
      { widget_open_delay_seconds: '5' },
      {},
    ]) {
      const refused = await patch(org, body);
      expect([body, refused.status, refused.body.error?.code]).toEqual([body, 400, 'validation']);
    }
    expect((await get(org)).body).toEqual(before);
  });

  it('gives the widget its settings without a token, from an allowed origin only; nothing secret in them', async () => {
    const { organization_id: org } = await system.createOrganization('Public shop');
    expect(
      (
        await patch(org, {
          allowed_origins: ['https://shop.example'],
          welcome_message: 'Welcome!',
          business_hours: HOURS,
          widget_open_delay_seconds: 10,
        })
      ).status,
    ).toBe(200);
    const expected = {
      organization_id: org,
      welcome_message: 'Welcome!',
      business_hours: HOURS,
      widget_open_delay_seconds: 10,
    };

    const fromShop = await widgetSettings(`?organization_id=${org}`, 'https://shop.example');
    expect(fromShop.status).toBe(200);
    expect(fromShop.headers.get('access-control-allow-origin')).toBe('https://shop.example');
    expect(await fromShop.json()).toEqual(expected);
    // An app or a server sends no Origin: not a browser page, not refused for it.
    const noOrigin = await widgetSettings(`?organization_id=${org}`);
    expect(noOrigin.status).toBe(200);
    expect(await noOrigin.json()).toEqual(expected);

    // Another site's page: refused, and without a CORS header its script could read anything from.
    const stranger = await widgetSettings(`?organization_id=${org}`, 'https://stranger.example');
    expect(stranger.status).toBe(403);
    expect(stranger.headers.get('access-control-allow-origin')).toBeNull();
    expect(((await stranger.json()) as any).error).toMatchObject({
      code: 'authorization',
      reason: 'origin_not_allowed',
    });

    // Another organization's allowed origin does not open this one.
    const { organization_id: other } = await system.createOrganization('Other shop');
    expect((await patch(other, { allowed_origins: ['https://other.example'] })).status).toBe(200);
    expect((await widgetSettings(`?organization_id=${org}`, 'https://other.example')).status).toBe(403);

    expect((await widgetSettings('?organization_id=no-such-organization')).status).toBe(404);
    for (const query of [
      '',
      '?organization_id=',
      `?organization_id=${org}&organization_id=${other}`,
      `?organization_id=${org}&debug=1`,
    ]) {
      expect([query, (await widgetSettings(query)).status]).toEqual([query, 400]);
    }
  });
});
