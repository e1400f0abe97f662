import { physicalChain } from '../local/physical-chain';
import { simulateBake } from '../local/simulate-bake';
import { exampleRecipe } from './example-recipes';

async function main() {
  const recipe = exampleRecipe(process.argv[2] ?? 'nginx.json');
  const bake = await simulateBake({ recipe: recipe.document, stageFrom: recipe.folder, seed: Number(process.argv[3] ?? 1) });
  const t0 = new Date(bake.history[0].timestamp!).getTime();
  const chain = physicalChain(bake.account, bake.executionName);
  console.log('status', bake.status, 'seconds', bake.simulatedSeconds, 'chain', chain.seconds, 'overhead', (bake.simulatedSeconds - chain.seconds).toFixed(1));
  const entered = new Map<string, number>();
  for (const e of bake.history) {
    const at = (new Date(e.timestamp!).getTime() - t0) / 1000;
    if (e.stateEnteredEventDetails?.name) entered.set(e.stateEnteredEventDetails.name, at);
    if (e.stateExitedEventDetails?.name) {
      const name = e.stateExitedEventDetails.name; const d = at - (entered.get(name) ?? at);
      console.log(at.toFixed(1).padStart(7), d.toFixed(1).padStart(6), name);
    }
  }
  const home = bake.account.region();
  for (const inv of home.invocations.values()) console.log('cmd sent', ((inv.sentAt - t0)/1000).toFixed(1), 'end', ((inv.endAt - t0)/1000).toFixed(1));
  for (const inst of home.instances.values()) console.log('inst', inst.id, 'created', ((inst.createdAt - t0)/1000).toFixed(1), 'running', ((inst.state.firstAt('running', inst.createdAt)! - t0)/1000).toFixed(1), 'agent', ((inst.state.firstAt('running', inst.createdAt)! + inst.agentDelayMs - t0)/1000).toFixed(1), 'stopping', ((inst.state.firstAt('stopping', inst.createdAt) ?? NaN) - t0)/1000, 'stopped', ((inst.state.firstAt('stopped', inst.createdAt) ?? NaN) - t0)/1000);
  for (const img of home.images.values()) console.log('img', ((img.createdAt - t0)/1000).toFixed(1), 'avail', ((img.state.firstAt('available', img.createdAt)! - t0)/1000).toFixed(1));
  console.log(chain.links.map((l) => `${l.what} ${l.seconds}`).join('\n'));
}
void main();
