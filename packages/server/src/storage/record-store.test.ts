import { recordStoreFactories } from '../../../../test/support/record-stores.js';
import { recordStoreContract } from './record-store.contract.js';

for (const [name, open] of recordStoreFactories) recordStoreContract(name, open);
