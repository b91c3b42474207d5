/**
 * The viewer's TemplateSrv replaces variables as Grafana's does, so a query that works here works on a dashboard:
 * the three syntaxes, scoped variables (a repeated panel's) over the dashboard's, multi-values through the format.
 */
import { HostTemplateSrv } from './template-srv';

const join = (v: string | string[]) => (Array.isArray(v) ? v.join('\u0000') : v);

describe("the viewer's template service", () => {
  const srv = new HostTemplateSrv([
    { name: 'host', value: 'api-1' },
    { name: 'cpus', value: ['1', '2'], text: ['one', 'two'] },
  ]);

  it('replaces $var, ${var} and [[var]] from the dashboard, and leaves unknown variables as they are', () => {
    expect(srv.replace('svc/$host/a.perf')).toBe('svc/api-1/a.perf');
    expect(srv.replace('svc/${host}x')).toBe('svc/api-1x');
    expect(srv.replace('svc/[[host]]')).toBe('svc/api-1');
    expect(srv.replace('svc/$nope/${nope}/[[nope]]')).toBe('svc/$nope/${nope}/[[nope]]');
    expect(srv.replace(undefined)).toBe('');
  });

  it("lets a panel's scoped variables win over the dashboard's (a panel repeated by $host has its own host)", () => {
    const repeated = { host: { text: 'api-2', value: 'api-2' } };
    expect(srv.replace('svc/$host/', repeated)).toBe('svc/api-2/');
    expect(srv.replace('svc/${host}/', repeated, join)).toBe('svc/api-2/');
    // A scoped variable without a value does not hide the dashboard's.
    expect(srv.replace('$host', { host: { text: '', value: null } })).toBe('api-1');
  });

  it('formats a multi-value through the format function with the values themselves, else as glob', () => {
    expect(srv.replace('cpu=$cpus', {}, join)).toBe('cpu=1\u00002');
    expect(srv.replace('cpu=$cpus')).toBe('cpu={1,2}');
    expect(srv.replace('cpu=${cpus:csv}')).toBe('cpu=1,2');
    expect(srv.replace('cpu=${cpus:pipe}')).toBe('cpu=1|2');
    expect(srv.replace('cpu=[[cpus:json]]')).toBe('cpu=["1","2"]');
    expect(srv.replace('${cpus:text}')).toBe('one + two');
    expect(srv.replace('${host:regex}', { host: { text: 'a.b', value: 'a.b' } })).toBe('a\\.b');
    // An explicit format in the text wins over the caller's.
    expect(srv.replace('${cpus:csv}', {}, join)).toBe('1,2');
  });

  it('reads a field of a scoped object value (${__data.fields.x})', () => {
    expect(srv.replace('${__data.fields.id}', { __data: { text: '', value: { fields: { id: 'p1' } } } })).toBe('p1');
  });

  it('knows its variables', () => {
    expect(srv.getVariables().map((v) => v.name)).toEqual(['host', 'cpus']);
    expect(srv.containsTemplate('svc/$host')).toBe(true);
    expect(srv.containsTemplate('svc/$nope')).toBe(false);
    expect(new HostTemplateSrv().replace('svc/$host')).toBe('svc/$host');
  });
});
