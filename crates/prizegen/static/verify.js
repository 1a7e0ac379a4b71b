// prizegen's verifier: recomputes a draw in your browser, from the published algorithm
// (the /fairness page; docs/fairness.md, "The algorithm"; SPEC §2 and §3), with your browser's
// own WebCrypto (crypto.subtle: SHA-256 and HMAC-SHA256). It was written from that text, not
// from the server's code, and it is meant to be read: each step is named as the algorithm
// names it.
//
// A check is a list of steps (STEPS below), run in order; each says what it computed and, when
// something differs, exactly which field of the draw does not match. The last step checks the
// draw's place in its seed's Merkle tree, whose root the audit log recorded when the revealed
// seed was sealed.
//
// Served by the front end as /static/verify.<hash>.js; the /verify page loads it as a module.
// It sets no inline styles and writes every value as text (textContent), never as HTML.

const encoder = new TextEncoder();

// ---------------------------------------------------------------------------------------------
// Bytes, hex and the two primitives

/** Bytes as lowercase hex. */
function toHex(bytes) {
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Hex as bytes, or null when it is not whole bytes of hex. */
function fromHex(hex) {
  if (typeof hex !== 'string' || !/^([0-9a-fA-F]{2})*$/.test(hex)) return null;
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i += 1) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** SHA-256 of some bytes. */
async function sha256(bytes) {
  return new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
}

/** HMAC-SHA256 of a text message (UTF-8) under a key (bytes). */
async function hmacSha256(key, message) {
  const algorithm = { name: 'HMAC', hash: 'SHA-256' };
  const imported = await crypto.subtle.importKey('raw', key, algorithm, false, ['sign']);
  return new Uint8Array(await crypto.subtle.sign('HMAC', imported, encoder.encode(message)));
}

// ---------------------------------------------------------------------------------------------
// The algorithm (docs/fairness.md, steps 1 to 7)

/** Step 1, the commitment: hex(SHA-256(seed)). */
export async function commitment(seed) {
  return toHex(await sha256(seed));
}

/** Step 4, the per-service key: k_S = HMAC-SHA256(key = seed, msg = "<client_seed>:<nonce>:<S>"). */
export async function serviceKey(seed, clientSeed, nonce, service) {
  return hmacSha256(seed, `${clientSeed}:${nonce}:${service}`);
}

/** The alphabets of step 7: lower a..z, upper A..Z, mixed a..z then A..Z. */
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const UPPER = LOWER.toUpperCase();
const MIXED = LOWER + UPPER;

/**
 * Step 5, the byte stream of service S: HMAC-SHA256(k_S, "0") ‖ HMAC-SHA256(k_S, "1") ‖ …,
 * read 4 bytes at a time; with step 6 (uniform) and the derived draws of step 7 on top. Every
 * value drawn is written down (`log`), in order, so that the page can show it.
 */
export class Stream {
  constructor(service, key) {
    this.service = service;
    this.key = key;
    this.block = new Uint8Array(0);
    this.nextBlock = 0;
    this.at = 0;
    this.log = [];
  }

  /** The next 4 bytes as a big-endian u32. (A block is 32 bytes: reads never straddle two.) */
  async u32() {
    if (this.at + 4 > this.block.length) {
      this.block = await hmacSha256(this.key, String(this.nextBlock));
      this.nextBlock += 1;
      this.at = 0;
    }
    const b = this.block;
    const x = ((b[this.at] << 24) | (b[this.at + 1] << 16) | (b[this.at + 2] << 8) | b[this.at + 3]) >>> 0;
    this.at += 4;
    return x;
  }

  /**
   * Step 6, uniform(n): read a u32 x; if x < floor(2^32 / n) * n return x mod n, else read the
   * next 4 bytes and repeat (no modulo bias). `what` says what the value is for.
   */
  async uniform(n, what) {
    const limit = Math.floor(2 ** 32 / n) * n;
    const rejected = [];
    for (;;) {
      const x = await this.u32();
      if (x < limit) {
        const value = x % n;
        this.log.push({ what, n, x, rejected, value });
        return value;
      }
      rejected.push(x);
    }
  }

  /** A letter: alphabet[uniform(n)]. */
  async letter(alphabet, what = 'letter') {
    const i = await this.uniform(alphabet.length, what);
    return this.shown(alphabet[i]);
  }

  /** `count` letters of an alphabet, as a string. */
  async letters(alphabet, count) {
    let text = '';
    for (let i = 0; i < count; i += 1) text += await this.letter(alphabet);
    return text;
  }

  /** A digit: uniform(10). */
  async digit() {
    return this.shown(String(await this.uniform(10, 'digit')));
  }

  /** `count` digits, as a string (leading zeros kept). */
  async digits(count) {
    let text = '';
    for (let i = 0; i < count; i += 1) text += await this.digit();
    return text;
  }

  /** An integer in [lo, hi]: lo + uniform(hi - lo + 1). */
  async integer(lo, hi, what = `integer in [${lo}, ${hi}]`) {
    return this.shown(lo + (await this.uniform(hi - lo + 1, what)));
  }

  /** A decimal in [0, m) with d places: uniform(m·10^d) / 10^d, kept exact as a count of units. */
  async decimal(m, places, what) {
    const units = await this.uniform(m * 10 ** places, what);
    const value = { units, places };
    this.shown(decimalText(value));
    return value;
  }

  /** A p% chance: uniform(100) < p. */
  async chance(p, what = `${p}% chance`) {
    return this.shown((await this.uniform(100, what)) < p);
  }

  /** A pick from a list of n: list[uniform(n)]. */
  async pick(list, what) {
    return this.shown(list[await this.uniform(list.length, what)]);
  }

  /** Notes what the last uniform(n) became (a letter, a digit, …) and returns it. */
  shown(value) {
    this.log[this.log.length - 1].shown = value;
    return value;
  }
}

/** A decimal kept as units and places (4.2 is 42 units of 1 place), as text: "4.2", "0.00". */
function decimalText({ units, places }) {
  if (places === 0) return String(units);
  const scale = 10 ** places;
  return `${Math.floor(units / scale)}.${String(units % scale).padStart(places, '0')}`;
}

// ---------------------------------------------------------------------------------------------
// Money and prizes (SPEC §3: integer pence; a cash prize is labelled with its amount)

/** Pence as the pages write them: "£1,000", "£10", "£0.50". */
export function money(pence) {
  const pounds = Math.floor(pence / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  const rest = pence % 100;
  return rest === 0 ? `£${pounds}` : `£${pounds}.${String(rest).padStart(2, '0')}`;
}

/** A cash prize of whole pounds. */
function cash(pounds) {
  return { amount_pence: pounds * 100, label: money(pounds * 100) };
}

/** A prize (or null) in words. */
function prizeText(prize) {
  if (prize === null || prize === undefined) return 'no prize';
  return prize.amount_pence > 0 ? prize.label : `no prize (${prize.label})`;
}

// ---------------------------------------------------------------------------------------------
// The games (SPEC §3; docs/fairness.md, one section each). Each game says which services it
// uses, and how it draws: from the streams and the implementations that served it, it returns
// the result's fields, the prize drawn, and the rules it applied (in words).

/** The character backgrounds, in the order of SPEC §3.5. */
const BACKGROUNDS = [
  'Acolyte', 'Charlatan', 'Criminal / Spy', 'Entertainer', 'Folk Hero', 'Gladiator',
  'Guild Artisan / Guild Merchant', 'Knight', 'Noble', 'Pirate', 'Sage', 'Soldier', 'Urchin',
];

/** A character's abilities, in the order of SPEC §3.5. */
const ABILITIES = ['strength', 'dexterity', 'constitution', 'intelligence', 'wisdom', 'charisma'];

/** A game's rule broken by the draw's own fields (e.g. impossible ranks): a mismatch. */
class FieldError extends Error {
  constructor(field, message) {
    super(message);
    this.field = field;
  }
}

/** Whether a character is a digit. */
const isDigit = (c) => c >= '0' && c <= '9';

export const GAMES = {
  'account-prize': {
    services: ['letters', 'numbers', 'rules'],
    async draw({ letters, numbers, rules }, impl) {
      // letters: v1 four lowercase, v2 two uppercase; numbers: v1 four digits, v2 eight.
      const drawnLetters = impl.letters === 'v1'
        ? await letters.letters(LOWER, 4)
        : await letters.letters(UPPER, 2);
      const drawnDigits = await numbers.digits(impl.numbers === 'v1' ? 4 : 8);
      const account = drawnLetters + drawnDigits;
      const lucky = drawnLetters[0] === 'a' || drawnLetters[0] === 'A';
      const four = drawnDigits.includes('4');
      const said = [`account number = letters then digits = ${drawnLetters} + ${drawnDigits} = ${account}`];
      let prize = null;
      // The 25% chance is the rules stream's first uniform(100) < 25, read only when it decides.
      const letterPrize = async () => ((await rules.chance(25)) ? cash(100) : cash(50));
      if (impl.rules === 'v1') {
        if (lucky) {
          prize = await letterPrize();
          said.push(`rules v1: the first letter is ${drawnLetters[0]} → £100 with a 25% chance, else £50`
            + ` → ${prize.label}`);
        } else if (four) {
          prize = cash(10);
          said.push('rules v1: the first letter is not a or A; the digits contain a 4 → £10'
            + ' (the rules stream is not read)');
        } else {
          said.push('rules v1: the first letter is not a or A and the digits contain no 4 → no prize');
        }
      } else if (lucky && four) {
        prize = await letterPrize();
        said.push(`rules v2: the first letter is ${drawnLetters[0]} and the digits contain a 4`
          + ` → £100 with a 25% chance, else £50 → ${prize.label}`);
      } else {
        const lacking = lucky ? 'no 4 among the digits' : `the first letter is ${drawnLetters[0]}`;
        said.push(`rules v2: a first letter a or A and a 4 among the digits are both needed (${lacking})`
          + ' → no prize');
      }
      return { result: { account_number: account }, prize, said };
    },
  },

  'prize-pool': {
    services: ['letters', 'numbers', 'rules'],
    async draw({ letters, numbers, rules }, impl) {
      // Generate: 20 mixed letters, 20 digits, and 20 chances of 50% (true: the digit).
      const drawnLetters = await letters.letters(MIXED, 20);
      const drawnDigits = await numbers.digits(20);
      let sequence = '';
      for (let i = 0; i < 20; i += 1) {
        sequence += (await rules.chance(50, `position ${i}: a digit?`)) ? drawnDigits[i] : drawnLetters[i];
      }
      const said = [
        `letters ${drawnLetters}, digits ${drawnDigits}: each position takes the digit when its 50% chance`
          + ` is true → sequence ${sequence}`,
      ];
      // Claim: positions 0, 2 and 7 decide the tier.
      const [p0, p2, p7] = [sequence[0], sequence[2], sequence[7]].map(isDigit);
      const tier = !p0 ? 0 : !p2 ? 1 : !p7 ? 2 : 3;
      said.push(`positions 0, 2 and 7 are ${sequence[0]}, ${sequence[2]} and ${sequence[7]} → tier ${tier}`);
      const prizes = impl.rules === 'v1'
        ? [null, cash(1000), cash(10000), cash(100000)]
        : [{ amount_pence: 0, label: 'X' }, cash(9999), cash(99999), cash(999999)];
      const prize = prizes[tier];
      said.push(`rules ${impl.rules} of the claim pay tier ${tier}: ${prizeText(prize)}`);
      return { result: { sequence, tier }, prize, said };
    },
  },

  'spy-mission': {
    services: ['letters', 'numbers', 'rules'],
    async draw({ letters, numbers }) {
      // numbers: six integers in [0, 19]; letters: six lowercase letters; rules read nothing.
      const drawnNumbers = [];
      for (let i = 0; i < 6; i += 1) drawnNumbers.push(await numbers.integer(0, 19));
      const drawnLetters = await letters.letters(LOWER, 6);
      const dossier = drawnNumbers.flatMap((n, i) => [String(n), drawnLetters[i]]).join(' ');
      const n = drawnNumbers[0];
      const c = drawnLetters[0];
      const task = n === 19 ? 'Steal the DB_URI from'
        : n % 3 === 0 ? 'Follow'
          : n >= 10 ? 'Collect information about'
            : 'Meet with';
      const target = c === 'z' ? 'the flask developer'
        : 'aeiou'.includes(c) ? 'the double agent'
          : 'bcdfghj'.includes(c) ? 'the dictator'
            : 'klmnpqr'.includes(c) ? 'the head of Odin'
              : 'Duchess';
      const said = [
        `dossier: the numbers and letters interleaved → ${dossier}`,
        `task, from the first number ${n} (19; divisible by 3; 10 or more; else) → "${task}"`,
        `target, from the first letter ${c} (z; a vowel; bcdfghj; klmnpqr; else) → "${target}"`,
      ];
      return { result: { dossier, task, target, mission: `${task} ${target}` }, prize: null, said };
    },
  },

  attack: {
    services: ['numbers', 'rules'],
    async draw({ numbers }, impl) {
      // numbers: the roll, then the power; rules read nothing; letters take no part.
      const v1 = impl.numbers === 'v1';
      const roll = v1 ? await numbers.integer(0, 2, 'roll') : await numbers.integer(1, 2, 'roll');
      const power = v1 ? await numbers.decimal(10, 1, 'power') : await numbers.decimal(10, 2, 'power');
      const overFive = power.units > 5 * 10 ** power.places;
      const word = roll === 0 ? 'missed' : roll === 2 && overFive ? 'crit' : 'hit';
      const outcome = impl.rules === 'v1' ? word : word.toUpperCase();
      const damage = decimalText({ units: roll * power.units, places: power.places });
      const said = [
        `outcome: roll 0 → missed; roll 2 and power over 5 → crit; else hit`
          + ` (rules ${impl.rules}: ${impl.rules === 'v1' ? 'lower' : 'upper'} case) → ${outcome}`,
        `damage = roll × power = ${roll} × ${decimalText(power)} = ${damage}`,
      ];
      return { result: { roll, power: decimalText(power), outcome, damage }, prize: null, said };
    },
  },

  character: {
    services: ['letters', 'numbers', 'rules'],
    async draw({ letters, numbers }, _impl, draw) {
      // numbers: eight integers in [1, 20]; letters: one background; rules read nothing.
      const rolled = [];
      for (let i = 0; i < 8; i += 1) rolled.push(await numbers.integer(1, 20, 'roll'));
      const background = await letters.pick(BACKGROUNDS, 'background');
      const kept = [...rolled].sort((a, b) => b - a).slice(0, 6);
      const ranks = (draw.result && draw.result.ranks) || {};
      const given = ABILITIES.map((a) => ranks[a]);
      const valid = given.every((r) => Number.isInteger(r) && r >= 1 && r <= 6) && new Set(given).size === 6;
      if (!valid) throw new FieldError('result.ranks', 'the ranks are not 1 to 6, each once');
      const abilities = Object.fromEntries(ABILITIES.map((a) => [a, kept[ranks[a] - 1]]));
      const said = [
        `rolls ${rolled.join(' ')}: the two lowest dropped, the six kept high to low → ${kept.join(' ')}`,
        `the ability ranked k gets the k-th highest kept roll → `
          + ABILITIES.map((a) => `${a} ${abilities[a]} (rank ${ranks[a]})`).join(', '),
        `name, race, class and ranks are the player's choices, not drawn`,
      ];
      return { result: { rolls: kept, background, abilities }, prize: null, said };
    },
  },
};

// ---------------------------------------------------------------------------------------------
// The check: a list of steps over a context. A step returns what it shows, and any mismatches
// ({ field, expected, found }); a step whose failure makes the rest meaningless stops the check.

/** `v2` from `v2@letters-7f3a`, or null. */
function implementationOf(servedBy) {
  const impl = typeof servedBy === 'string' ? servedBy.split('@')[0] : null;
  return impl === 'v1' || impl === 'v2' ? impl : null;
}

/**
 * Canonical JSON (RFC 8785, for the values a draw or an audit entry holds: no fractions): object
 * keys sorted by their UTF-16 code units, which is JavaScript's own sort; no whitespace; strings
 * escaped as JSON.stringify escapes them. A BigInt (a whole number too big for a Number, see
 * parseJson) is written as its digits. Two equal values give the same text, and a draw's Merkle
 * leaf and an audit entry's hash are taken over this text.
 */
export function canonicalJson(value) {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value === undefined ? null : value);
}

/** A value as the page writes it. */
function shownValue(value) {
  return typeof value === 'string' ? value : canonicalJson(value);
}

/** The mismatches between what was recomputed and what the draw says, field by field. */
function compare(path, expected, found) {
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  if (isObject(expected) && isObject(found)) {
    return Object.keys(expected).flatMap((k) => compare(`${path}.${k}`, expected[k], found[k]));
  }
  if (canonicalJson(expected) === canonicalJson(found)) return [];
  return [{ field: path, expected: shownValue(expected), found: shownValue(found) }];
}

/** Reading the draw: its game, fairness fields and the implementations that served it. */
async function readDraw(ctx) {
  const draw = ctx.draw !== null && typeof ctx.draw === 'object' ? ctx.draw : {};
  ctx.draw = draw;
  const lines = [];
  const problems = [];
  const missing = (field, why) => problems.push({ field, expected: why, found: 'missing or invalid' });
  ctx.game = GAMES[draw.game];
  if (!ctx.game) missing('game', `one of ${Object.keys(GAMES).join(', ')}`);
  const f = draw.fairness || {};
  if (typeof f.seed_hash !== 'string') missing('fairness.seed_hash', '64 hex digits');
  if (typeof f.client_seed !== 'string' || encoder.encode(f.client_seed).length > 64) {
    missing('fairness.client_seed', 'text of at most 64 bytes');
  }
  if (!/^\d+$/.test(String(f.nonce))) missing('fairness.nonce', 'a whole number');
  ctx.impl = {};
  for (const service of ctx.game ? ctx.game.services : []) {
    const impl = implementationOf((draw.served_by || {})[service]);
    if (!impl) missing(`served_by.${service}`, 'v1@… or v2@…');
    ctx.impl[service] = impl;
  }
  if (problems.length === 0) {
    lines.push(`game ${draw.game}, client seed "${f.client_seed}", nonce ${f.nonce}`);
    lines.push(`served by ${ctx.game.services.map((s) => `${s} ${ctx.impl[s]}`).join(', ')}`);
  }
  return { title: 'The draw', lines, mismatches: problems, stop: problems.length > 0 };
}

/** Step 1: the seed's commitment, hex(SHA-256(seed)), is the one the draw was made under. */
async function checkCommitment(ctx) {
  const hash = await commitment(ctx.seed);
  const published = ctx.draw.fairness.seed_hash;
  const mismatches = hash === published ? [] : [{ field: 'fairness.seed_hash', expected: hash, found: published }];
  return {
    title: 'Commitment',
    lines: [
      `SHA-256 of the server seed = ${hash}`,
      `the draw's commitment (fairness.seed_hash) = ${published}`,
    ],
    mismatches,
    stop: mismatches.length > 0,
  };
}

/** Step 4: each service's key. */
async function deriveKeys(ctx) {
  const { client_seed: clientSeed, nonce } = ctx.draw.fairness;
  ctx.streams = {};
  const lines = [];
  for (const service of ['letters', 'numbers', 'rules']) {
    const key = await serviceKey(ctx.seed, clientSeed, nonce, service);
    ctx.streams[service] = new Stream(service, key);
    if (ctx.game.services.includes(service)) {
      lines.push(`k_${service} = HMAC-SHA256(seed, "${clientSeed}:${nonce}:${service}") = ${toHex(key)}`);
    }
  }
  return { title: 'Keys of the services', lines, mismatches: [] };
}

/** Steps 5 to 7 and the game's rules: what each stream drew, in order. */
async function drawValues(ctx) {
  try {
    ctx.drawn = await ctx.game.draw(ctx.streams, ctx.impl, ctx.draw);
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    const mismatch = { field: error.field, expected: error.message, found: canonicalJson(ctx.draw.result?.ranks) };
    return { title: 'Values drawn, in order', lines: [], mismatches: [mismatch], stop: true };
  }
  const lines = [];
  for (const service of ['letters', 'numbers', 'rules']) {
    const { log } = ctx.streams[service];
    if (log.length === 0) {
      if (ctx.game.services.includes(service)) lines.push(`${service}: nothing read`);
      continue;
    }
    // Each value: the u32 read, mod n, and what that became (a letter, a digit, a chance, …).
    const values = log.map((v) => {
      const rejected = v.rejected.map((x) => `${x} rejected, `).join('');
      const became = shownValue(v.shown) === String(v.value) ? '' : ` → ${shownValue(v.shown)}`;
      return `${rejected}${v.x} mod ${v.n} = ${v.value}${became}`;
    });
    lines.push(`${service}: ${values.join('; ')}`);
  }
  return { title: 'Values drawn, in order', lines, mismatches: [] };
}

/** The game's rules, applied to the values drawn. */
async function applyRules(ctx) {
  return { title: 'Rules applied', lines: ctx.drawn.said, mismatches: [] };
}

/** The result's fields, recomputed, against the draw's. */
async function checkResult(ctx) {
  const found = ctx.draw.result || {};
  const mismatches = compare('result', ctx.drawn.result, found);
  const lines = Object.entries(ctx.drawn.result).map(([k, v]) => `${k}: ${shownValue(v)}`);
  return { title: 'Result', lines, mismatches };
}

/**
 * The prize: the one drawn is the draw's prize, or — when the campaign's budget could not pay it
 * — its `downgraded_from`, and then the prize awarded is a lower one. Whether the budget really
 * needed the lowering is not part of the seed, so it is not checked here.
 */
async function checkPrize(ctx) {
  const drawn = ctx.drawn.prize;
  const { draw } = ctx;
  const awarded = draw.prize === undefined ? null : draw.prize;
  const amount = (p) => (p ? p.amount_pence : 0);
  if (draw.downgraded_from) {
    const mismatches = compare('downgraded_from', drawn, draw.downgraded_from);
    if (amount(awarded) >= amount(drawn)) {
      mismatches.push({ field: 'prize', expected: `less than ${prizeText(drawn)}`, found: prizeText(awarded) });
    }
    return {
      title: 'Prize',
      lines: [
        `drawn: ${prizeText(drawn)}`,
        `awarded: ${prizeText(awarded)}, lower, because the campaign's budget could no longer pay the prize`
          + ' drawn (not a mismatch: the budget is not part of the seed)',
      ],
      mismatches,
    };
  }
  const mismatches = drawn === null && awarded === null ? [] : compare('prize', drawn, awarded);
  return { title: 'Prize', lines: [`drawn and awarded: ${prizeText(drawn)}`], mismatches };
}

/** account-prize: what each nonce skipped for a taken account number drew (shown, not checked). */
async function skippedNonces(ctx) {
  const skipped = ctx.draw.fairness.collided_nonces || [];
  if (skipped.length === 0) return null;
  const lines = [];
  for (const nonce of skipped) {
    const streams = {};
    for (const service of ['letters', 'numbers', 'rules']) {
      const key = await serviceKey(ctx.seed, ctx.draw.fairness.client_seed, nonce, service);
      streams[service] = new Stream(service, key);
    }
    const { result } = await ctx.game.draw(streams, ctx.impl, ctx.draw);
    lines.push(`nonce ${nonce} drew ${result.account_number}, already taken in the campaign:`
      + ' the next nonce was used');
  }
  return { title: 'Skipped nonces', lines, mismatches: [] };
}

// ---------------------------------------------------------------------------------------------
// The record (docs/fairness.md, "The audit log"): at each reveal the audit log records how many
// draws the seed made and the Merkle root over them (RFC 6962 hashing, leaves by nonce). The
// proof of a draw is the path of sibling hashes from its leaf to that root; the log's entry that
// holds the root is itself checked from its own fields and the hash before it.

/** Bytes one after another. */
function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

/**
 * A draw's Merkle leaf (format "draw-v1"): the draw as the API gives it, without `player` (an
 * account's deletion anonymises its draws) and `fairness.server_seed` (known only after the
 * reveal), in canonical JSON.
 */
export function drawLeaf(draw) {
  const { player: _player, ...rest } = draw;
  const { server_seed: _seed, ...fairness } = draw.fairness || {};
  return canonicalJson({ ...rest, fairness });
}

/** A leaf's hash: SHA-256(0x00 ‖ leaf). */
export async function leafHash(leaf) {
  return sha256(concat(new Uint8Array([0]), encoder.encode(leaf)));
}

/** An inner node's hash: SHA-256(0x01 ‖ left ‖ right). */
async function nodeHash(left, right) {
  return sha256(concat(new Uint8Array([1]), left, right));
}

/**
 * The root that an inclusion proof leads to from leaf `index` of a tree of `size` leaves
 * (RFC 9162 §2.1.3.2), or null when the path cannot belong to such a tree (too short, too long,
 * or the index outside the tree). `path` is the sibling hashes from the leaf up.
 */
export async function rootFromPath(leaf, index, size, path) {
  if (!(index >= 0 && index < size)) return null;
  let fn = index;
  let sn = size - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) return null;
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      // The tree's right edge: climb past the levels where this node has no right sibling.
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  return sn === 0 ? r : null;
}

/**
 * An audit entry's hash, recomputed: SHA-256(prev_hash ‖ canonical {seq, at_ms, kind, subject,
 * details}), prev_hash as its 32 bytes; null when prev_hash is not 64 hex digits.
 */
export async function entryHash(entry) {
  const prev = fromHex(entry.prev_hash);
  if (!prev || prev.length !== 32) return null;
  const { seq, at_ms: atMs, kind, subject, details } = entry;
  const text = canonicalJson({ seq, at_ms: atMs, kind, subject, details });
  return toHex(await sha256(concat(prev, encoder.encode(text))));
}

/** A hash shortened for a sentence: its first 12 hex digits. */
const short = (hex) => `${String(hex).slice(0, 12)}…`;

/** How the leaf is made, in words. */
const LEAF = 'the draw without player and fairness.server_seed, in canonical JSON';

/** The title of the record step: where the draw is recorded. */
const IN_TREE = "In the seed's Merkle tree";

/** A step that was not checked, and why (not a mismatch). */
function notChecked(title, why) {
  return { title, lines: [], notes: [why], mismatches: [], skipped: true };
}

/**
 * Checks an audit entry: its own hash, from its fields and the hash before it, and its kind (and,
 * for a reveal, its seed). Returns the line to show and any mismatches.
 */
async function checkEntry(entry, kind, seedHash = null) {
  const mismatches = [];
  const field = `audit entry ${entry.seq}`;
  const recomputed = await entryHash(entry);
  if (recomputed !== entry.hash) {
    mismatches.push({
      field,
      said: `its hash does not match its fields: recomputed ${recomputed}, the entry says ${entry.hash}`,
    });
  }
  const seed = (entry.details || {}).seed_hash;
  if (entry.kind !== kind || (seedHash !== null && seed !== seedHash)) {
    const of = seedHash === null ? '' : ` of the seed ${seedHash}`;
    mismatches.push({ field, said: `it is not a ${kind} entry${of}: it is a ${entry.kind} entry of ${seed}` });
  }
  const line = `audit entry ${entry.seq} (${entry.kind}): SHA-256(prev_hash ‖ entry) = ${recomputed}`
    + (recomputed === entry.hash ? ', its hash' : '');
  return { line, mismatches };
}

/**
 * A draw claimed after its seed's reveal (a prize-pool sequence generated before it): it is not
 * among the seed's leaves; the audit log recorded its leaf on its own, in entry `seq`.
 */
async function checkLateClaim(ctx, leafText, leaf, seq) {
  const title = 'Recorded after the reveal';
  const [status, page] = await ctx.api(`/api/v1/audit?after=${seq - 1}&limit=1`);
  const entry = status === 200 && page.entries && page.entries[0];
  if (!entry || entry.seq !== seq) {
    return notChecked(title, `The audit log's entry ${seq} could not be fetched (HTTP ${status}).`);
  }
  // The entry is about this draw if it holds this draw's leaf (the leaf holds the draw's id).
  const checked = await checkEntry(entry, 'draw.claimed-after-reveal');
  const recorded = entry.details && entry.details.leaf_hash;
  const mismatches = checked.mismatches;
  // Only a prize-pool sequence generated before the reveal can be claimed after it.
  if (ctx.draw.game !== 'prize-pool') {
    mismatches.push({
      field: `audit entry ${seq}`,
      said: `the log records this ${ctx.draw.game} draw as claimed after its seed's reveal, which only a`
        + ' prize-pool claim can be',
    });
  }
  if (recorded !== leaf) {
    mismatches.push({
      field: 'Merkle leaf',
      said: `the draw's leaf hashes to ${leaf}, but audit entry ${seq} recorded ${recorded}:`
        + ' this draw is not the one recorded',
    });
  }
  return {
    title,
    notes: [`Claimed after the reveal, recorded on its own in entry ${seq}: its sequence was generated`
      + ' under the seed before the reveal and claimed after it, so it is not among the draws the seal'
      + ' counted; the audit log recorded its leaf when it was claimed.'],
    lines: [
      `leaf = ${LEAF} = ${leafText}`,
      `leaf hash = SHA-256(0x00 ‖ leaf) = ${leaf}`,
      `audit entry ${seq} recorded the leaf hash ${recorded}`,
      checked.line,
    ],
    mismatches,
  };
}

/**
 * The draw's place in its seed's Merkle tree: its leaf made here from the draw, the proof's path
 * walked up to a root, and that root compared with the one the audit log recorded at the seal
 * (whose entry is checked too). Run only when the site's API can be asked (`ctx.api`).
 */
async function checkRecord(ctx) {
  if (!ctx.api) return null;
  const { draw } = ctx;
  if (typeof draw.id !== 'string' || draw.id === '') {
    return notChecked(IN_TREE, 'The draw has no id, so its proof cannot be asked for: not checked.');
  }
  const leafText = drawLeaf(draw);
  const leaf = toHex(await leafHash(leafText));
  let status;
  let proof;
  try {
    [status, proof] = await ctx.api(`/api/v1/draws/${encodeURIComponent(draw.id)}/proof`);
  } catch (error) {
    return notChecked(IN_TREE, `This site's API did not answer (${error.message}): not checked.`);
  }
  const error = (proof && proof.error) || {};
  if (status === 409 && error.code === 'seed_not_revealed') return null;
  if (status === 409 && error.code === 'seed_not_sealed_yet') {
    return notChecked(IN_TREE, "This draw's seed was revealed moments ago and its draws are being sealed:"
      + ' check again in a few seconds.');
  }
  if (status === 409 && error.code === 'claimed_after_reveal') {
    const seq = Number((/audit entry (\d+)/.exec(error.message || '') || [])[1]);
    if (seq > 0) return checkLateClaim(ctx, leafText, leaf, seq);
  }
  if (status === 409 && error.code === 'not_in_sealed_tree') {
    return {
      title: IN_TREE,
      notes: [],
      lines: [`leaf = ${LEAF} = ${leafText}`, `leaf hash = SHA-256(0x00 ‖ leaf) = ${leaf}`],
      mismatches: [{
        field: 'Merkle leaf',
        said: "this draw is not among the draws its seed's seal recorded: it was added or changed after the seal",
      }],
    };
  }
  if (status === 404 && error.code === 'root_not_recorded') {
    return notChecked(IN_TREE, "This draw's seed was revealed before the audit log began, so no Merkle root"
      + ' was recorded for it: its place in the record cannot be checked.');
  }
  if (status === 404) {
    return notChecked(IN_TREE, `This site has no draw ${draw.id}, so there is no proof to check.`);
  }
  if (status !== 200) {
    return notChecked(IN_TREE, `The proof could not be fetched (HTTP ${status}): not checked.`);
  }

  const entry = proof.entry || {};
  const details = entry.details || {};
  const recordedRoot = details.merkle_root;
  const recordedDraws = Number(details.draws);
  const index = Number(proof.leaf_index);
  const size = Number(proof.tree_size);
  const path = (Array.isArray(proof.path) ? proof.path : []).map(fromHex);
  const walk = async (from) => {
    const root = path.every((p) => p && p.length === 32) ? await rootFromPath(from, index, recordedDraws, path) : null;
    return root && toHex(root);
  };
  const root = await walk(fromHex(leaf));
  const mismatches = [];
  const lines = [
    `leaf = ${LEAF} = ${leafText}`,
    `leaf hash = SHA-256(0x00 ‖ leaf) = ${leaf}`
      + (leaf === proof.leaf_hash ? ", the proof's leaf_hash" : ''),
  ];
  if (leaf !== proof.leaf_hash) {
    mismatches.push({
      field: 'Merkle leaf',
      said: `the draw's leaf hashes to ${leaf}, but the proof is for the leaf ${proof.leaf_hash}:`
        + ' this draw is not the one stored under its seed',
    });
  }
  lines.push(`leaf ${index} of ${size} draws under the seed now; the seal recorded ${recordedDraws} draws`);
  if (size !== recordedDraws) {
    mismatches.push({
      field: 'tree size',
      said: `the seed has ${size} draws now, but the seal recorded ${recordedDraws}`,
    });
  }
  lines.push(`path of ${path.length} sibling hashes walked up from the leaf → root ${root || '(none: the path does not fit the tree)'}`);
  if (leaf !== proof.leaf_hash) {
    const theirs = await walk(fromHex(proof.leaf_hash));
    lines.push(`from the proof's own leaf_hash the path leads to ${theirs || '(none)'}`);
  }
  lines.push(`root recorded at the seal (audit entry ${entry.seq}) = ${recordedRoot}`);
  if (root !== recordedRoot) {
    mismatches.push({
      field: 'Merkle root',
      said: `the inclusion proof does not lead to the recorded root: from the draw's leaf the path gives`
        + ` ${root || 'no root'}, the audit log recorded ${recordedRoot}`,
    });
  }
  if (proof.merkle_root !== recordedRoot) {
    mismatches.push({
      field: `audit entry ${entry.seq}`,
      said: `the proof names the root ${proof.merkle_root}, but its audit entry holds ${recordedRoot}`,
    });
  }
  const checked = await checkEntry(entry, 'seed.sealed', draw.fairness.seed_hash);
  lines.push(checked.line);
  mismatches.push(...checked.mismatches);
  const notes = mismatches.length > 0 ? [] : [`This draw is leaf ${index} of the ${recordedDraws} draws the`
    + ` seed ${short(draw.fairness.seed_hash)} made, under the root that audit entry ${entry.seq} recorded`
    + ' when the revealed seed was sealed: it has not changed since. The entry\'s hash follows from the one'
    + ' before it; `prizegen audit verify` and /audit check the whole chain.'];
  return { title: IN_TREE, notes, lines, mismatches, record: { root: recordedRoot, seq: entry.seq, hash: entry.hash } };
}

/** The steps of a check, in order. */
export const STEPS = [
  readDraw, checkCommitment, deriveKeys, drawValues, applyRules, checkResult, checkPrize, skippedNonces,
  checkRecord,
];

/**
 * Checks a draw (as the API returns it) against a server seed (64 hex digits): the report has
 * each step ({ title, lines, mismatches }) and whether everything matched. With `api` (a path →
 * [status, JSON] function for this site's API), the draw's place in its seed's Merkle tree is
 * checked too.
 */
export async function verify(draw, seedHex, { api = null } = {}) {
  const steps = [];
  const seed = fromHex(typeof seedHex === 'string' ? seedHex.trim() : '');
  if (!seed || seed.length !== 32) {
    const mismatch = { field: 'server seed', expected: '64 hex digits', found: String(seedHex) };
    const step = { title: 'Server seed', lines: [], mismatches: [mismatch] };
    return { verified: false, steps: [step], mismatches: step.mismatches };
  }
  const ctx = { draw, seed, api };
  for (const run of STEPS) {
    const step = await run(ctx);
    if (step) steps.push(step);
    if (step && step.stop) break;
  }
  const mismatches = steps.flatMap((s) => s.mismatches);
  return { verified: mismatches.length === 0, steps, mismatches };
}

/**
 * JSON as the API writes it (a draw, a proof, an audit entry), but a whole number too big to be
 * exact in JavaScript (a nonce may be any u64) is kept exact, as a BigInt.
 */
export function parseJson(text) {
  return JSON.parse(text, (_key, value, context) => {
    const big = typeof value === 'number' && !Number.isSafeInteger(value) && context && /^\d+$/.test(context.source);
    return big ? BigInt(context.source) : value;
  });
}

// ---------------------------------------------------------------------------------------------
// The /verify page: its two forms, and the report drawn as DOM (text only).

/** A new element with some text. */
function element(tag, text, attributes = {}) {
  const e = document.createElement(tag);
  if (text !== undefined) e.textContent = text;
  for (const [name, value] of Object.entries(attributes)) e.setAttribute(name, value);
  return e;
}

/** The outcome line at the top of the verdict: a mark, a kicker and the words. */
function outcome(tone, mark, kicker, words) {
  const box = element('div', undefined, { class: `outcome ${tone}` });
  if (mark) box.append(element('span', mark, { class: 'mark', 'aria-hidden': 'true' }));
  box.append(element('h2', kicker, { class: 'kicker', id: 'verdict-label' }));
  box.append(element('p', words, { class: 'headline', id: 'verdict-line' }));
  return box;
}

/** What a mismatch says after its field: its own sentence, or what was recomputed and found. */
function mismatchText(m) {
  return m.said ? `: ${m.said}` : ` does not match: recomputed ${m.expected}, the draw says ${m.found}`;
}

/** Shows a report in the verdict section. */
function showReport(section, report) {
  section.replaceChildren();
  const wrong = report.mismatches.map((m) => m.field);
  // A step not checked is said in the headline too: "Verified" covers only what was checked.
  const skipped = report.steps.filter((s) => s.skipped).map((s) => s.title);
  const words = skipped.length === 0 ? 'Verified: every step matches.'
    : `Verified: every step checked matches (not checked: ${skipped.join(', ')}).`;
  section.append(report.verified
    ? outcome('won', '✓', 'Verified', words)
    : outcome('none', '✗', 'Does not match', `Does not match: ${[...new Set(wrong)].join(', ')}`));
  if (!report.verified) {
    const list = element('ul', undefined, { class: 'mismatches', id: 'mismatches' });
    for (const m of report.mismatches) {
      const item = element('li', undefined, { 'data-field': m.field });
      item.append(element('b', m.field), mismatchText(m));
      list.append(item);
    }
    section.append(list);
  }
  const steps = element('ol', undefined, { class: 'check-steps', id: 'verify-steps' });
  for (const step of report.steps) {
    // data-ok: true, false, or skipped (not checked, and why: not a mismatch).
    const ok = step.skipped ? 'skipped' : String(step.mismatches.length === 0);
    const mark = { true: '✓', false: '✗', skipped: '–' }[ok];
    const item = element('li', undefined, { 'data-ok': ok, 'data-step': step.title });
    item.append(element('h3', `${mark} ${step.title}${step.skipped ? ' (not checked)' : ''}`));
    for (const note of step.notes || []) item.append(element('p', note, { class: 'step-note' }));
    for (const line of step.lines) {
      const p = element('p');
      p.append(element('code', line));
      item.append(p);
    }
    for (const m of step.mismatches) {
      item.append(element('p', `${m.field}${mismatchText(m)}`, { class: 'field-error' }));
    }
    if (step.record) {
      // What to compare elsewhere: the root and its entry (on /audit, in the JSON).
      const record = element('dl', undefined, { class: 'record', id: 'record' });
      const add = (term, value, id) => {
        record.append(element('dt', term));
        const dd = element('dd');
        dd.append(element('code', value, { id }));
        record.append(dd);
      };
      add('Merkle root', step.record.root, 'record-root');
      add(`Audit entry ${step.record.seq}`, step.record.hash, 'record-entry');
      item.append(record);
    }
    steps.append(item);
  }
  section.append(steps);
  section.dataset.status = report.verified ? 'verified' : 'mismatch';
}

/** Shows a message (an error, or a seed not yet revealed) in the verdict section. */
function showMessage(section, status, kicker, lines) {
  section.replaceChildren(outcome('neutral', null, kicker, lines[0]));
  for (const line of lines.slice(1)) {
    const p = element('p');
    for (const part of Array.isArray(line) ? line : [line]) {
      p.append(typeof part === 'string' ? part : element('code', part.code, { id: part.id }));
    }
    section.append(p);
  }
  section.dataset.status = status;
}

/** GET some JSON of this site's API: [status, body text]. */
async function getText(path) {
  const response = await fetch(path, { headers: { accept: 'application/json' } });
  return [response.status, await response.text()];
}

/** GET some JSON of this site's API: [status, the body parsed, or null when it is not JSON]. */
async function getJson(path) {
  const [status, text] = await getText(path);
  try {
    return [status, parseJson(text)];
  } catch {
    return [status, null];
  }
}

/** Fetches a draw and its seed from the API, then checks it (or says when it can be). */
async function verifyById(section, id) {
  const [status, text] = await getText(`/api/v1/draws/${encodeURIComponent(id)}`);
  if (status === 404) return showMessage(section, 'error', 'Not found', [`There is no draw ${id}.`]);
  if (status !== 200) {
    return showMessage(section, 'error', 'Error', [`The draw could not be fetched (HTTP ${status}).`]);
  }
  const draw = parseJson(text);
  const [, fairnessText] = await getText('/api/v1/fairness');
  const fairness = JSON.parse(fairnessText);
  const hash = draw.fairness.seed_hash;
  // The seed as published on /fairness; the draw carries it too once revealed.
  const revealed = (fairness.revealed || []).find((s) => s.seed_hash === hash);
  const seed = revealed ? revealed.server_seed : draw.fairness.server_seed;
  if (!seed) {
    const current = fairness.current && fairness.current.seed_hash === hash ? fairness.current : null;
    const since = current ? `It is the current seed (since ${current.created_at}): it` : 'It';
    return showMessage(section, 'pending', 'Not yet revealed', [
      'This draw can be checked once its server seed is revealed.',
      ['Commitment to watch: ', { code: hash, id: 'watch-commitment' }],
      `${since} is revealed when the operator next rotates the seed, and then listed under "Revealed seeds"`
        + ' on /fairness. Come back to this page then.',
    ]);
  }
  showReport(section, await verify(draw, seed, { api: getJson }));
}

/** Wires the page's forms; a `?draw=` in the address is checked at once. */
function start() {
  const section = document.getElementById('verdict');
  const byId = document.getElementById('by-id');
  const byJson = document.getElementById('by-json');
  if (!section || !byId || !byJson) return;
  const run = async (work) => {
    section.hidden = false;
    section.dataset.status = 'running';
    section.replaceChildren(element('p', 'Checking…', { class: 'muted' }));
    try {
      await work();
    } catch (error) {
      showMessage(section, 'error', 'Error', [`The check could not run: ${error.message}`]);
    }
  };
  byId.addEventListener('submit', (event) => {
    event.preventDefault();
    const id = document.getElementById('draw-id').value.trim();
    if (!id) return;
    const url = new URL(window.location.href);
    url.searchParams.set('draw', id);
    window.history.replaceState(null, '', url);
    run(() => verifyById(section, id));
  });
  byJson.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = document.getElementById('draw-json').value;
    const seed = document.getElementById('server-seed').value;
    run(async () => {
      let draw;
      try {
        draw = parseJson(text);
      } catch (error) {
        showMessage(section, 'error', 'Not JSON', [`The draw is not JSON: ${error.message}`]);
        return;
      }
      // No seed typed: the one a revealed draw carries (fairness.server_seed), if any.
      const own = draw && draw.fairness && draw.fairness.server_seed;
      showReport(section, await verify(draw, seed.trim() || own || '', { api: getJson }));
      // The verdict is above this form: bring it into view.
      section.scrollIntoView({ block: 'start' });
    });
  });
  const id = new URLSearchParams(window.location.search).get('draw');
  if (id) run(() => verifyById(section, id.trim()));
}

if (typeof document !== 'undefined') start();
