// Specifies projectNamed: which project a build job dep's project name means once project.json renames projects.
import { projectNamed } from './project-settings';

describe('projectNamed', () => {
  const projects = {
    api: { root: 'workers/api', targets: { build: { options: { binary: 'api' } } } },
    'auth-renamed': { root: 'workers/auth', targets: { build: { options: { binary: 'auth' } } } },
    'svc-pay-renamed': { root: 'workers/pay', targets: { build: { options: { binary: 'svc-pay' } } } },
    'lib-renamed': { root: 'libs/shared' },
  };

  it('keeps a name that is a project', () => {
    expect(projectNamed('api', projects)).toBe('api');
  });

  it('maps the name inference gave to the project that project.json renamed: by its binary, else by its directory', () => {
    expect(projectNamed('auth', projects)).toBe('auth-renamed');
    expect(projectNamed('svc-pay', projects)).toBe('svc-pay-renamed');
    expect(projectNamed('shared', projects)).toBe('lib-renamed');
  });

  it('leaves an unknown or ambiguous name as written, for the caller to report', () => {
    expect(projectNamed('nosuch', projects)).toBe('nosuch');
    expect(projectNamed('x', { a: { root: 'one/x' }, b: { root: 'two/x' } })).toBe('x');
    expect(projectNamed('api', undefined)).toBe('api');
  });
});
