// Specifies the names of build jobs as targets and deps: jobTaskOf and its inverse, depOfJobTask.
import { depOfJobTask, jobTaskOf } from './jobs';

describe('jobTaskOf and depOfJobTask', () => {
  it.each(['gen', 'auth:routes', 'a:b:c'])('round-trips %s', (dep) => {
    expect(depOfJobTask(jobTaskOf(dep))).toBe(dep);
  });

  it('names the target of a dep, and no dep for a target that is not a job', () => {
    expect(jobTaskOf('auth:routes')).toBe('auth:job-routes');
    expect(depOfJobTask('build')).toBeUndefined();
    expect(depOfJobTask('auth:build')).toBeUndefined();
  });
});
