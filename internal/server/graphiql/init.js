// Starts GraphiQL against this server's /graphql, with a starter query.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: new URL("/graphql", window.location.href).toString() });
  var query = [
    "# Praktijkenbank: zoek goede praktijken van Sterk Sociaal Werk.",
    "# Schrijven vraagt een token: zet bij Headers {\"Authorization\": \"Bearer <token>\"}.",
    "{",
    "  searchPractices(query: \"wijkteams\", first: 5) {",
    "    total",
    "    edges { node { title region { name } krachtlijnen } highlights { field fragments } }",
    "    facets { regions { value count } }",
    "  }",
    "}",
    ""
  ].join("\n");
  var root = ReactDOM.createRoot(document.getElementById("graphiql"));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultQuery: query, defaultEditorToolsVisibility: true }));
})();
