import { eachStore } from "../../test/support/each-store.js";
import { parametersContract } from "./store-contract-parameters.js";

for (const { name, open } of eachStore()) parametersContract(name, open);
