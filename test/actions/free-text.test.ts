/**
 * The one free-text check (src/actions/validate.ts freeText) and the four fields that use it: the order note, the
 * replacement reason, the rejection reason and the address lines. Each keeps its documented limit; all count
 * characters the same way (code points) and refuse the same characters.
 */
import { describe, expect, it } from 'vitest';
import { parseAddressInput } from '../../src/actions/address-input.js';
import { parseReject } from '../../src/actions/approval-resolvers.js';
import { parseNote } from '../../src/actions/edit-validate.js';
import { parseReplacement } from '../../src/actions/replacement-input.js';
import { freeText, parseCancel, parseRefund, type FreeTextRule } from '../../src/actions/validate.js';
import { BadInputError } from '../../src/errors.js';

const ORDER = 'gid://shopify/Order/5';
const REQUEST = `rr_${'a'.repeat(32)}`;
const ADDRESS = { lastName: 'Lovelace', address1: '12 St James Square', city: 'London', countryCode: 'GB' };

/** The message `run` is refused with (a BadInputError), or the value it returned as `{ ok }`. */
function outcome(run: () => unknown): { ok: unknown } | string {
  try {
    return { ok: run() };
  } catch (error) {
    expect(error).toBeInstanceOf(BadInputError);
    return (error as BadInputError).message;
  }
}

/** Each field that takes free text, as a function of the text typed into it. */
const FIELDS = {
  note: (text: string) => parseNote({ orderId: ORDER, note: text, idempotencyKey: 'k' }).note,
  replacementReason: (text: string) =>
    parseReplacement({
      orderId: ORDER,
      lineItems: [{ lineItemId: 'gid://shopify/LineItem/1', quantity: 1 }],
      reason: text,
      idempotencyKey: 'k',
    }).reason,
  rejectionReason: (text: string) => parseReject({ id: REQUEST, reason: text, idempotencyKey: 'k' }).reason,
  address1: (text: string) => parseAddressInput({ ...ADDRESS, address1: text }, 'input.address').address1,
};

describe('freeText', () => {
  const ONE_LINE: FreeTextRule = { max: 5, multiline: false };

  it('trims surrounding ASCII blanks, reads blank as null, counts code points', () => {
    expect(freeText('  \tabc \r\n', 'f', ONE_LINE)).toBe('abc');
    expect(freeText(' \n ', 'f', ONE_LINE)).toBeNull();
    expect(freeText(null, 'f', ONE_LINE)).toBeNull();
    expect(freeText(undefined, 'f', ONE_LINE)).toBeNull();
    expect(freeText('😀😀😀😀😀', 'f', ONE_LINE)).toBe('😀😀😀😀😀');
    expect(outcome(() => freeText('😀😀😀😀😀😀', 'f', ONE_LINE))).toBe('f: must be at most 5 characters, got 6');
  });

  it('refuses a blank or over-long required text in the same words', () => {
    const rule = { ...ONE_LINE, required: true } as const;
    expect(outcome(() => freeText('  ', 'f', rule))).toBe('f: must be 1 to 5 characters, got 0');
    expect(outcome(() => freeText(null, 'f', rule))).toBe('f: must be 1 to 5 characters, got 0');
    expect(outcome(() => freeText('abcdef', 'f', rule))).toBe('f: must be 1 to 5 characters, got 6');
    expect(freeText(' a ', 'f', rule)).toBe('a');
  });

  it('allows tabs and line breaks inside only when multiline', () => {
    expect(freeText('a\tb\r\nc', 'f', { max: 10, multiline: true })).toBe('a\tb\r\nc');
    expect(outcome(() => freeText('a\tb', 'f', { max: 10, multiline: false }))).toBe(
      'f: must not contain control, line-break or bidirectional characters, found U+0009',
    );
    expect(outcome(() => freeText('a\nb', 'f', { max: 10, multiline: false }))).toBe(
      'f: must not contain control, line-break or bidirectional characters, found U+000A',
    );
  });

  it('refuses controls, bidirectional marks, lone surrogates, separators and invisible format characters, naming the first', () => {
    const multiline = { max: 10, multiline: true };
    for (const [text, found] of [
      ['a\u0000', 'U+0000'],
      ['a\u0085', 'U+0085'],
      ['a\u000Bb', 'U+000B'],
      ['a\u202Eb\u0000', 'U+202E'],
      ['a\u2066', 'U+2066'],
      ['a\u061C', 'U+061C'],
      ['a\uDC00', 'U+DC00'],
      ['a\u2028b', 'U+2028'],
      ['a\u2029b', 'U+2029'],
    ]) {
      expect(outcome(() => freeText(text!, 'f', multiline))).toBe(
        `f: must not contain control or bidirectional characters, found ${found}`,
      );
    }
    for (const [text, found] of [
      ['a\u200Bb', 'U+200B'],
      ['\uFEFFab', 'U+FEFF'],
      ['a\u00ADb', 'U+00AD'],
      ['a\u2060b', 'U+2060'],
      ['a\u{E0041}', 'U+E0041'],
    ]) {
      expect(outcome(() => freeText(text!, 'f', multiline))).toBe(`f: must not contain invisible format characters, found ${found}`);
    }
  });

  it('keeps what real text needs: ZWNJ and ZWJ (Persian, Indic, emoji sequences), non-breaking and other spaces, accents', () => {
    for (const text of ['می\u200Cخواهم', 'क्\u200Dष', '👩\u200D👩\u200D👧', '10\u00A0€', 'a\u2009b', 'Zoë Ñandú', '👍🏽']) {
      expect(freeText(text, 'f', { max: 20, multiline: false })).toBe(text);
    }
  });
});

describe('the four free-text fields', () => {
  it('each keeps its documented limit, counted in characters (an emoji is one)', () => {
    expect(outcome(() => FIELDS.note('😀'.repeat(5000)))).toEqual({ ok: '😀'.repeat(5000) });
    expect(outcome(() => FIELDS.note('😀'.repeat(5001)))).toBe('input.note: must be at most 5000 characters, got 5001');
    expect(outcome(() => FIELDS.replacementReason('😀'.repeat(1000)))).toEqual({ ok: '😀'.repeat(1000) });
    expect(outcome(() => FIELDS.replacementReason('😀'.repeat(1001)))).toBe('input.reason: must be at most 1000 characters, got 1001');
    // 600 emoji are 1200 UTF-16 units: the rejection reason once counted those and refused them.
    expect(outcome(() => FIELDS.rejectionReason('😀'.repeat(600)))).toEqual({ ok: '😀'.repeat(600) });
    expect(outcome(() => FIELDS.rejectionReason('😀'.repeat(1001)))).toBe('input.reason: must be 1 to 1000 characters, got 1001');
    expect(outcome(() => FIELDS.address1('😀'.repeat(255)))).toEqual({ ok: '😀'.repeat(255) });
    expect(outcome(() => FIELDS.address1('😀'.repeat(256)))).toBe('input.address.address1: must be at most 255 characters, got 256');
  });

  it('all refuse the same characters, and allow line breaks where the contract does (notes and rejections)', () => {
    const found = (run: () => unknown) => /found (U\+[0-9A-F]+)$/.exec(outcome(run) as string)?.[1] ?? 'accepted';
    const refusals = (text: string) => Object.values(FIELDS).map((field) => found(() => field(text)));
    expect(refusals('a\u200Bb')).toEqual(['U+200B', 'U+200B', 'U+200B', 'U+200B']);
    expect(refusals('a\u202Eb')).toEqual(['U+202E', 'U+202E', 'U+202E', 'U+202E']);
    expect(refusals('a\u0007b')).toEqual(['U+0007', 'U+0007', 'U+0007', 'U+0007']);
    expect(refusals('\uFEFFab')).toEqual(['U+FEFF', 'U+FEFF', 'U+FEFF', 'U+FEFF']);
    expect(refusals('a\nb')).toEqual(['accepted', 'U+000A', 'accepted', 'U+000A']);
    expect(refusals('a\u200Db')).toEqual(['accepted', 'accepted', 'accepted', 'accepted']);
  });

  it('all trim the same blanks, and a blank optional text is null', () => {
    const kept = Object.values(FIELDS).map((field) => field(' \t Arrived damaged \r\n'));
    expect(kept).toEqual(['Arrived damaged', 'Arrived damaged', 'Arrived damaged', 'Arrived damaged']);
    expect(FIELDS.note('  ')).toBeNull();
    expect(FIELDS.replacementReason('  ')).toBeNull();
    expect(outcome(() => FIELDS.rejectionReason('  '))).toBe('input.reason: must be 1 to 1000 characters, got 0');
    expect(outcome(() => FIELDS.address1('  '))).toBe('input.address.address1: must not be blank');
  });

  it('so do the notes of the first actions (a refund note, a cancellation staff note): at most 1000 characters, line breaks allowed', () => {
    const refundNote = (note: string) => parseRefund({ orderId: ORDER, note, idempotencyKey: 'k' }).note;
    const staffNote = (text: string) =>
      parseCancel({ orderId: ORDER, reason: 'OTHER', refund: false, restock: false, staffNote: text, idempotencyKey: 'k' }).staffNote;
    expect(refundNote(' 😀\n'.repeat(250))).toBe(' 😀\n'.repeat(250).trim());
    expect(outcome(() => refundNote('😀'.repeat(1001)))).toBe('input.note: must be at most 1000 characters, got 1001');
    expect(outcome(() => staffNote('a\u200Bb'))).toBe('input.staffNote: must not contain invisible format characters, found U+200B');
    expect(staffNote('  ')).toBeNull();
  });
});
