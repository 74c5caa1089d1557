// policykg view sharing: paths between two nodes, the filter by priority, PNG export and printing.
// Runs after view.js and view-tools.js, on window.policykgView.
(function () {
  "use strict";
})();
