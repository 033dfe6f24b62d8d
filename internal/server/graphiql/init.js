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
  root.render(React.createElement(GraphiQL, {
    fetcher: fetcher, defaultQuery: query, defaultEditorToolsVisibility: true,
    forcedTheme: "light" // wrapper.css gives this theme AA contrast
  }));

  // Accessibility around GraphiQL's editors (CodeMirror 5): a label for each
  // hidden textarea that takes the keyboard input, and the scrolling areas
  // reachable by keyboard. GraphiQL renders and re-renders them, so this
  // runs after every change of the page (at most once per frame).
  function editorName(ta) {
    if (ta.closest(".graphiql-query-editor")) return "GraphQL-query";
    if (ta.closest(".graphiql-response")) return "Antwoord van de server";
    var tool = ta.closest(".graphiql-editor-tool");
    if (tool) {
      var editors = tool.querySelectorAll(".graphiql-editor");
      return ta.closest(".graphiql-editor") === editors[0] ? "Variabelen (JSON)" : "Headers (JSON)";
    }
    return "Editor";
  }
  function fix() {
    document.querySelectorAll(".graphiql-container textarea:not([aria-label])").forEach(function (ta) {
      ta.setAttribute("aria-label", editorName(ta));
    });
    document.querySelectorAll(".graphiql-container .CodeMirror-scroll:not([tabindex=\"0\"])").forEach(function (el) {
      el.setAttribute("tabindex", "0");
    });
  }
  var pending = false;
  new MutationObserver(function () {
    if (pending) return;
    pending = true;
    requestAnimationFrame(function () { pending = false; fix(); });
  }).observe(document.getElementById("graphiql"), { childList: true, subtree: true });
})();
