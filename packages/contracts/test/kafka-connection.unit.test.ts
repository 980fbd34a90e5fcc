import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  clientOptions,
  connectionSettingProblem,
  kafkaConnectionFromEnv,
  parseBrokerList,
} from '../src/kafka-connection.ts';

const dir = mkdtempSync(join(tmpdir(), 'kafka-connection-'));
const ca = join(dir, 'ca.pem');
writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');

describe('the Kafka connection settings', () => {
  it('splits and trims a comma-separated broker list, one address per entry', () => {
    expect(parseBrokerList(' host1:9092, host2:9092 ,host3:9093,')).toEqual(['host1:9092', 'host2:9092', 'host3:9093']);
    expect(parseBrokerList('[::1]:9092')).toEqual(['[::1]:9092']);
  });

  it.each(['', 'host1', 'host1:9092 host2:9092', 'host1:port', ','])('refuses "%s", naming the variable', (raw) => {
    expect(() => parseBrokerList(raw, 'KAFKA_BROKERS')).toThrow(/KAFKA_BROKERS must be host:port/);
  });

  it('defaults to the local broker in plain text, with nothing else in the client options', () => {
    const connection = kafkaConnectionFromEnv({});
    expect(connection).toEqual({ bootstrapBrokers: ['127.0.0.1:9092'], securityProtocol: 'PLAINTEXT' });
    expect(clientOptions(connection)).toEqual({ bootstrapBrokers: ['127.0.0.1:9092'] });
  });

  it('reads SASL_SSL with SCRAM and a CA file; SNI on for host names', () => {
    const connection = kafkaConnectionFromEnv({
      KAFKA_BROKERS: 'b-1.example.com:9096,b-2.example.com:9096',
      KAFKA_SECURITY_PROTOCOL: 'sasl_ssl',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'alice',
      KAFKA_SASL_PASSWORD: 'alice-secret',
    });
    expect(clientOptions(connection)).toEqual({
      bootstrapBrokers: ['b-1.example.com:9096', 'b-2.example.com:9096'],
      tls: { ca: expect.stringContaining('BEGIN CERTIFICATE') },
      tlsServerName: true,
      sasl: { mechanism: 'SCRAM-SHA-512', username: 'alice', password: 'alice-secret' },
    });
  });

  it('uses the system trust store when no CA file is given, and no SNI for IP addresses', () => {
    const options = clientOptions(
      kafkaConnectionFromEnv({ KAFKA_BROKERS: '10.0.0.1:9093', KAFKA_SECURITY_PROTOCOL: 'SSL' }),
    );
    expect(options).toEqual({ bootstrapBrokers: ['10.0.0.1:9093'], tls: {}, tlsServerName: false });
  });

  it.each([
    [
      { KAFKA_SECURITY_PROTOCOL: 'TLS' },
      'KAFKA_SECURITY_PROTOCOL must be one of PLAINTEXT, SSL, SASL_PLAINTEXT, SASL_SSL',
    ],
    [{ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL' }, 'KAFKA_SASL_MECHANISM must be set'],
    [{ KAFKA_SECURITY_PROTOCOL: 'SASL_SSL', KAFKA_SASL_MECHANISM: 'GSSAPI' }, 'KAFKA_SASL_MECHANISM must be one of'],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SASL_PLAINTEXT', KAFKA_SASL_MECHANISM: 'PLAIN' },
      'KAFKA_SASL_USERNAME and KAFKA_SASL_PASSWORD',
    ],
    [{ KAFKA_SASL_USERNAME: 'alice' }, 'KAFKA_SASL_USERNAME is set but KAFKA_SECURITY_PROTOCOL is PLAINTEXT'],
    [{ KAFKA_SSL_CA_FILE: ca }, 'KAFKA_SSL_CA_FILE is set but KAFKA_SECURITY_PROTOCOL is PLAINTEXT'],
    [{ KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CA_FILE: join(dir, 'missing.pem') }, 'KAFKA_SSL_CA_FILE names a file'],
    [
      { KAFKA_SECURITY_PROTOCOL: 'SSL', KAFKA_SSL_CERT_FILE: ca },
      'KAFKA_SSL_CERT_FILE and KAFKA_SSL_KEY_FILE go together',
    ],
  ])('stops on a bad setting, naming the variable: %o', (env, message) => {
    expect(() => kafkaConnectionFromEnv(env)).toThrow(message);
  });

  it('tells a refused password apart from an outage', () => {
    const refused = Object.assign(new Error('SASL authentication failed.'), { code: 'PLT_KFK_AUTHENTICATION' });
    const wrapped = Object.assign(new Error('Cannot connect to any broker.'), { errors: [refused] });
    expect(connectionSettingProblem(wrapped)).toMatch(/KAFKA_SASL_PASSWORD/);
    const down = Object.assign(new Error('Connection refused'), { code: 'ECONNREFUSED' });
    expect(connectionSettingProblem(Object.assign(new Error('x'), { errors: [down] }))).toBeUndefined();
  });
});
