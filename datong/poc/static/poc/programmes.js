/* Programme forms: add and remove formset rows, and live totals. Written for Datong.
   Without JavaScript the forms still work: blank rows are ignored and the server checks every
   total again. */
(function () {
  "use strict";

  function clear(row) {
    row.querySelectorAll("input, select, textarea").forEach(function (field) {
      if (field.type === "checkbox" || field.type === "radio") field.checked = false;
      else if (field.tagName === "SELECT") field.selectedIndex = 0;
      else field.value = "";
    });
  }

  function addRow(box) {
    var total = box.querySelector('input[name$="-TOTAL_FORMS"]');
    var template = box.querySelector("template[data-empty]");
    var number = parseInt(total.value, 10) || 0;
    var html = template.innerHTML.replace(/__prefix__/g, String(number));
    box.querySelector("[data-rows]").insertAdjacentHTML("beforeend", html);
    total.value = String(number + 1);
    var rows = box.querySelectorAll("[data-row]");
    var first = rows[rows.length - 1].querySelector("input, select, textarea");
    if (first) first.focus();
  }

  function number(text) {
    var value = parseFloat(String(text || "").replace(/[,，\s]/g, ""));
    return isNaN(value) ? 0 : value;
  }

  function format(value, decimals) {
    return value.toLocaleString(undefined, {
      minimumFractionDigits: decimals,
      maximumFractionDigits: 2,
    });
  }

  function refreshTotals() {
    document.querySelectorAll("[data-total]").forEach(function (out) {
      var sum = 0;
      document.querySelectorAll('[data-sum="' + out.dataset.total + '"]').forEach(function (input) {
        var row = input.closest("[data-row]");
        if (!row || !row.hidden) sum += number(input.value);
      });
      out.textContent = (out.dataset.prefix || "") + format(sum, 0) + (out.dataset.suffix || "");
      if (out.dataset.expect) {
        var ok = Math.abs(sum - number(out.dataset.expect)) < 0.005;
        out.classList.toggle("ok", ok);
        out.classList.toggle("bad", !ok);
      }
    });
    document.querySelectorAll("[data-match]").forEach(function (out) {
      var pair = out.dataset.match.split(",");
      var a = document.querySelector('[data-total="' + pair[0] + '"]');
      var b = document.querySelector('[data-total="' + pair[1] + '"]');
      if (!a || !b) return;
      var same = Math.abs(number(a.textContent.replace(/[^\d.,-]/g, "")) -
        number(b.textContent.replace(/[^\d.,-]/g, ""))) < 0.005;
      out.hidden = same;
    });
  }

  document.addEventListener("click", function (event) {
    var add = event.target.closest("[data-add]");
    if (add) {
      event.preventDefault();
      addRow(add.closest("[data-formset]"));
      refreshTotals();
      return;
    }
    var remove = event.target.closest("[data-remove]");
    if (remove) {
      event.preventDefault();
      var row = remove.closest("[data-row]");
      clear(row);
      row.hidden = true;
      refreshTotals();
    }
  });
  document.addEventListener("input", function (event) {
    if (event.target.matches("[data-sum]")) refreshTotals();
  });
  document.addEventListener("DOMContentLoaded", refreshTotals);
})();
