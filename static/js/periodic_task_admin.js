// The admin's periodic task form (django-celery-beat): under the crontab field, the chosen
// schedule in words. Was an inline script in django-celery-beat's template.
(function () {
  "use strict";
  const script = document.currentScript;
  const readable = JSON.parse(document.getElementById("readable-crontabs").textContent);
  const help = script.dataset.crontabHelp || "";
  const $ = window.django.jQuery;

  function showTranslation(text) {
    const box = document.querySelector(".field-crontab .help");
    if (!box) return;
    box.replaceChildren(help, document.createElement("br"), "Translation: " + text);
  }

  $(".field-crontab_translation").hide();
  $(".field-crontab").change(function () {
    showTranslation(readable[$("#id_crontab").val()]);
  });
})();
