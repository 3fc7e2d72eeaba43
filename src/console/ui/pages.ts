import { html } from "lit-html";
import type { Route } from "../routes.js";
import type { Api } from "./api.js";
import type { Page } from "./page.js";
import { clusterPage } from "./views/cluster.js";
import { clustersPage } from "./views/clusters.js";
import { servicePage } from "./views/service.js";
import { taskPage } from "./views/task.js";
import { familiesPage, familyPage, taskDefinitionPage } from "./views/task-definitions.js";

/** Loads the page a route names (its API calls), ready to draw. */
export function loadPage(api: Api, route: Route): Promise<Page> {
  switch (route.view) {
    case "clusters":
      return clustersPage(api);
    case "cluster":
      return clusterPage(api, route);
    case "service":
      return servicePage(api, route);
    case "task":
      return taskPage(api, route);
    case "families":
      return familiesPage(api);
    case "family":
      return familyPage(api, route);
    case "task-definition":
      return taskDefinitionPage(api, route);
    case "not-found":
      return Promise.resolve({ title: "Not found", render: () => html`<h1>Not found</h1><p>The console has no page at ${route.hash}.</p>` });
  }
}
