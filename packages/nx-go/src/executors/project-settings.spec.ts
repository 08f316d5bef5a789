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

  it('maps the name inference gave a worker to the project that project.json renamed, by its build binary', () => {
    expect(projectNamed('auth', projects)).toBe('auth-renamed');
    expect(projectNamed('svc-pay', projects)).toBe('svc-pay-renamed');
  });

  it('leaves an unknown or ambiguous name as written, for the caller to report; a directory name alone maps to nothing', () => {
    expect(projectNamed('nosuch', projects)).toBe('nosuch');
    expect(projectNamed('shared', projects)).toBe('shared');
    const twice = { a: { root: 'one/x', targets: { build: { options: { binary: 'x' } } } }, b: { root: 'two/x', targets: { build: { options: { binary: 'x' } } } } };
    expect(projectNamed('x', twice)).toBe('x');
    expect(projectNamed('api', undefined)).toBe('api');
  });
});
