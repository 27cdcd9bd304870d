import { assessTrailCoverage, type TrailState } from '../../../domain/trail';

const trail = (overrides: Partial<TrailState>): TrailState => ({ name: 'main', homeRegion: 'us-east-1', isMultiRegion: true, isLogging: true, logsWriteManagementEvents: true, ...overrides });

describe('assessTrailCoverage', () => {
  it.each([
    [[trail({})], 'eu-west-1', true, /main/],
    [[], 'us-east-1', false, /no trail covers us-east-1/],
    [[trail({ isMultiRegion: false, homeRegion: 'us-east-1' })], 'eu-west-1', false, /no trail covers eu-west-1/],
    [[trail({ isLogging: false })], 'us-east-1', false, /logging off: main/],
    [[trail({ logsWriteManagementEvents: false })], 'us-east-1', false, /do not record write management events: main/],
    [[trail({ isLogging: false }), trail({ name: 'second' })], 'us-east-1', true, /second/],
  ])('%j in %s → covered %s', (trails, region, covered, message) => {
    const coverage = assessTrailCoverage(trails, region);
    expect(coverage.covered).toBe(covered);
    expect(coverage.covered ? coverage.trail : coverage.reason).toMatch(message);
  });
});
