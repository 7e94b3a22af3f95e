/**
 * The API's discovery document (Google discovery format, restDescription
 * v1), from which fleet's generated clients are built: the schemas and
 * methods this API serves.
 */

const str = { type: "string" };
const states = { type: "string", enum: ["inactive", "loaded", "launched"] };
const pageParam = { nextPageToken: { type: "string", location: "query" } };
const unitNameParam = {
  parameters: { unitName: { type: "string", location: "path", required: true } },
  parameterOrder: ["unitName"],
};

function page(item: string, field: string) {
  return {
    id: `${item}Page`,
    type: "object",
    properties: { [field]: { type: "array", items: { $ref: item } }, nextPageToken: str },
  };
}

export function discoveryDocument() {
  return {
    kind: "discovery#restDescription",
    discoveryVersion: "v1",
    id: "fleet:v1",
    name: "schema",
    version: "v1",
    title: "fleet API",
    description: "",
    documentationLink: "http://github.com/coreos/fleet",
    protocol: "rest",
    icons: { x16: "", x32: "" },
    labels: [],
    baseUrl: "$ENDPOINT/fleet/v1/",
    basePath: "/fleet/v1/",
    rootUrl: "$ENDPOINT/",
    servicePath: "fleet/v1/",
    batchPath: "batch",
    parameters: {},
    auth: {},
    schemas: {
      Machine: {
        id: "Machine",
        type: "object",
        properties: {
          id: str,
          primaryIP: str,
          metadata: { type: "object", properties: {}, additionalProperties: str },
        },
      },
      MachinePage: page("Machine", "machines"),
      UnitOption: {
        id: "UnitOption",
        type: "object",
        properties: { section: str, name: str, value: str },
      },
      Unit: {
        id: "Unit",
        type: "object",
        properties: {
          name: str,
          options: { type: "array", items: { $ref: "UnitOption" } },
          desiredState: states,
          currentState: states,
          machineID: { type: "string", required: true },
        },
      },
      UnitPage: page("Unit", "units"),
      UnitState: {
        id: "UnitState",
        type: "object",
        properties: {
          name: str,
          hash: str,
          machineID: str,
          systemdLoadState: str,
          systemdActiveState: str,
          systemdSubState: str,
        },
      },
      UnitStatePage: page("UnitState", "states"),
    },
    resources: {
      Machines: {
        methods: {
          List: {
            id: "fleet.Machine.List",
            httpMethod: "GET",
            path: "machines",
            parameters: pageParam,
            response: { $ref: "MachinePage" },
          },
        },
      },
      Units: {
        methods: {
          List: {
            id: "fleet.Unit.List",
            httpMethod: "GET",
            path: "units",
            parameters: pageParam,
            response: { $ref: "UnitPage" },
          },
          Get: {
            id: "fleet.Unit.Get",
            httpMethod: "GET",
            path: "units/{unitName}",
            ...unitNameParam,
            response: { $ref: "Unit" },
          },
          Delete: {
            id: "fleet.Unit.Delete",
            httpMethod: "DELETE",
            path: "units/{unitName}",
            ...unitNameParam,
          },
          Set: {
            id: "fleet.Unit.Set",
            httpMethod: "PUT",
            path: "units/{unitName}",
            ...unitNameParam,
            request: { $ref: "Unit" },
          },
        },
      },
      UnitState: {
        methods: {
          Get: {
            id: "fleet.UnitState.Get",
            httpMethod: "GET",
            path: "state/{unitName}",
            ...unitNameParam,
            response: { $ref: "UnitState" },
          },
          List: {
            id: "fleet.UnitState.List",
            httpMethod: "GET",
            path: "state",
            parameters: {
              ...pageParam,
              unitName: { type: "string", location: "query" },
              machineID: { type: "string", location: "query" },
            },
            response: { $ref: "UnitStatePage" },
          },
        },
      },
    },
  };
}
