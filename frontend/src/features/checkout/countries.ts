import { countryName } from '../../lib/format.ts';

// ISO 3166-1 alpha-2 codes the shop ships to; the API takes any upper-case two-letter code.
const CODES = [
  'AT',
  'AU',
  'BE',
  'BR',
  'CA',
  'CH',
  'CZ',
  'DE',
  'DK',
  'ES',
  'FI',
  'FR',
  'GB',
  'IE',
  'IL',
  'IN',
  'IT',
  'JP',
  'KR',
  'MX',
  'NL',
  'NO',
  'NZ',
  'PL',
  'PT',
  'SE',
  'SG',
  'US',
  'ZA',
];

export const COUNTRIES: ReadonlyArray<{ code: string; name: string }> = CODES.map((code) => ({
  code,
  name: countryName(code),
})).sort((a, b) => a.name.localeCompare(b.name));
