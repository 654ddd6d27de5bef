import { recordStoreFactories } from '../../../../../test/support/record-stores.js';
import { recordStoreContract } from './contract.js';

for (const [name, open] of recordStoreFactories) recordStoreContract(name, open);
