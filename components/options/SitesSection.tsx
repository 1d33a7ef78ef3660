import { useState } from 'preact/hooks';
import type { SettingsView } from '@/utils/shared/messages';
import { parseOrigin } from '@/utils/ui/form-input';
import type { OptionsActions } from '@/utils/ui/connect';
import { type Errors, type SetErrors, TextField, useOptionsText } from './shared';

export interface SitesSectionProps {
  actions: Pick<OptionsActions, 'addSite' | 'removeSite' | 'setSiteEnabled'>;
  view: SettingsView | null;
  onView: (view: SettingsView) => void;
  errors: Errors;
  setErrors: SetErrors;
}

export function SitesSection({ actions, view, onView, errors, setErrors }: SitesSectionProps) {
  const { t, p, e } = useOptionsText();
  const [site, setSite] = useState('');
  const [siteResult, setSiteResult] = useState<string | null>(null);

  async function addSite(ev: Event) {
    ev.preventDefault();
    const parsed = parseOrigin(site);
    if (!parsed.ok) {
      setErrors((x) => ({ ...x, site: p(parsed.problem) }));
      return;
    }
    setErrors((x) => ({ ...x, site: undefined }));
    const r = await actions.addSite(parsed.origin);
    if (r.ok) {
      onView(r.data);
      setSite('');
      setSiteResult(t('site_added', [parsed.origin]));
    } else setErrors((x) => ({ ...x, site: e(r.error) }));
  }

  async function siteUpdate(run: () => ReturnType<OptionsActions['removeSite']>) {
    const r = await run();
    if (r.ok) onView(r.data);
    else setSiteResult(e(r.error));
  }

  return (
    <section id="sites" aria-labelledby="sites-heading">
      <h2 id="sites-heading">{t('section_sites')}</h2>
      <p class="hint">{t('sites_hint')}</p>
      <form onSubmit={addSite} noValidate class="stack">
        <TextField
          id="site"
          label={t('site_label')}
          type="text"
          dir="ltr"
          inputMode="url"
          spellcheck={false}
          placeholder="https://dashboard.example.com"
          value={site}
          error={errors.site}
          onValue={(value) => {
            setSite(value);
            setErrors((x) => ({ ...x, site: undefined }));
          }}
        />
        <div class="row">
          <button type="submit">{t('site_add')}</button>
          {siteResult && <span class="hint">{siteResult}</span>}
        </div>
      </form>
      {view && view.dashboardSites.length > 0 ? (
        <ul class="sites">
          {view.dashboardSites.map((s) => (
            <li key={s.origin}>
              <label class="switch">
                <input
                  type="checkbox"
                  role="switch"
                  checked={s.enabled}
                  aria-checked={s.enabled}
                  onChange={(ev) => {
                    const enabled = ev.currentTarget.checked;
                    void siteUpdate(() => actions.setSiteEnabled(s.origin, enabled));
                  }}
                />
                <span dir="ltr">{s.origin}</span>
              </label>
              <span class="hint">{s.enabled ? t('site_on') : t('site_off')}</span>
              <button
                type="button"
                class="link"
                aria-label={t('site_remove', [s.origin])}
                onClick={() => void siteUpdate(() => actions.removeSite(s.origin))}
              >
                {t('remove')}
              </button>
            </li>
          ))}
        </ul>
      ) : (
        <p class="hint">{t('sites_none')}</p>
      )}
    </section>
  );
}
