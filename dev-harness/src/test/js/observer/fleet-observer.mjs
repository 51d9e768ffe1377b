// A dashboard's view of the fleet, with the official supabase-js client: presence on robot-fleet
// and postgres_changes on public.jobs. Prints one JSON object per line on stdout:
//   {"kind":"ready"}                                   both channels subscribed
//   {"kind":"presence","robots":{"<robot_id>":[meta, ...]}}  after every presence sync
//   {"kind":"job","job_id":...,"status":...,"progress":...,"current_node":...}
// Used by the agent's end-to-end tests (AgentObserverTest); runs until killed.
// Note: supabase-js 2.109 keeps stale metas after a presence update (its presence adapter deletes
// phx_ref from metas still in state when it reports a join), so a key's newest meta is the last.
import { createClient } from '@supabase/supabase-js';

const supabase = createClient(process.env.SUPABASE_URL, process.env.SUPABASE_SERVICE_KEY, {
  auth: { persistSession: false, autoRefreshToken: false },
});
const print = (event) => process.stdout.write(JSON.stringify(event) + '\n');
let subscribed = 0;
const onStatus = (status) => {
  if (status === 'SUBSCRIBED' && ++subscribed === 2) print({ kind: 'ready' });
  if (status === 'CHANNEL_ERROR' || status === 'TIMED_OUT') print({ kind: 'error', status });
};

const fleet = supabase.channel('robot-fleet');
fleet.on('presence', { event: 'sync' }, () => {
  const robots = {};
  for (const [key, metas] of Object.entries(fleet.presenceState())) robots[key] = metas;
  print({ kind: 'presence', robots });
});
fleet.subscribe(onStatus);

supabase
  .channel('jobs-watch')
  .on('postgres_changes', { event: '*', schema: 'public', table: 'jobs' }, (change) => {
    const row = change.new ?? {};
    print({
      kind: 'job',
      job_id: row.job_id,
      status: row.status,
      progress: row.progress,
      current_node: row.current_node,
    });
  })
  .subscribe(onStatus);
