// Specifies projectNamed: which project a build job dep's project name means once project.json renames projects.
import { projectNamed } from './project-settings';

describe('projectNamed', () => {
  const worker = (inferred: string) => ({ metadata: { technologies: ['go'], goWorker: inferred } });
  const projects = {
    api: worker('api'),
    'auth-svc': worker('auth'),
    'svc-pay-renamed': worker('svc-pay'),
    // A project that took the old name after the worker was renamed (found by review): Nx maps auth to auth-svc.
    auth: { metadata: {} },
    'lib-renamed': {},
  };

  it('keeps the name of a worker that is not renamed', () => {
    expect(projectNamed('api', projects)).toBe('api');
  });

  it('maps the name inference gave a worker to the project that project.json renamed, even when another project now has that name', () => {
    expect(projectNamed('auth', projects)).toBe('auth-svc');
    expect(projectNamed('svc-pay', projects)).toBe('svc-pay-renamed');
  });

  it('leaves any other name as written, for the caller to report', () => {
    expect(projectNamed('nosuch', projects)).toBe('nosuch');
    expect(projectNamed('lib-renamed', projects)).toBe('lib-renamed');
    expect(projectNamed('api', undefined)).toBe('api');
  });
});
