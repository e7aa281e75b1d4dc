import { describe, expect, it } from 'vitest';
import { parseUnreadRecord } from '../../src/state/snapshot/unread-record.js';

describe('parseUnreadRecord: cappedLists (additive)', () => {
  it('an older unread.json without cappedLists reads as none', () => {
    expect(parseUnreadRecord('snap/unread.json', { unavailable: {}, unreadInNamespaces: {}, undiscovered: [] }).cappedLists).toEqual({});
  });

  it('reads the lists cut at the cap, with or without the unread bound', () => {
    const cappedLists = { Event: [{ namespace: 'shop', fieldSelector: 'type=Warning', read: 500, unreadAtMost: 10 }, { namespace: 'store', fieldSelector: 'type=Warning', read: 500 }] };
    expect(parseUnreadRecord('snap/unread.json', { cappedLists }).cappedLists).toEqual(cappedLists);
  });

  it.each([
    [[], /"cappedLists" must map kinds to lists/],
    [{ Secrets: [] }, /"cappedLists" names "Secrets", which is not a kind gke-doctor reads/],
    [{ Event: [{ namespace: 'shop', fieldSelector: 'type=Warning', read: -1 }] }, /"cappedLists.Event" must be a list of/],
    [{ Event: [{ namespace: 'shop', fieldSelector: 'type=Warning', read: 500, unreadAtMost: '10' }] }, /"cappedLists.Event" must be a list of/],
  ])('refuses %j with one line naming the file', (cappedLists, message) => {
    expect(() => parseUnreadRecord('snap/unread.json', { cappedLists })).toThrow(message);
    expect(() => parseUnreadRecord('snap/unread.json', { cappedLists })).toThrow(/^snap\/unread\.json: /);
  });
});
