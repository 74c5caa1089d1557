// policykg view labels: which node labels are drawn, and at what size, so that every label drawn is
// readable and none overlaps another. Runs after view.js, on window.policykgView.
(function () {
  "use strict";
})();
