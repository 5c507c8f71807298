// Measurement: a photo with a bank card flat beside the weapon gives its overall and barrel lengths.

import { h } from "../dom.js";
import { t } from "../i18n.js";
import { route } from "../router.js";
import { session } from "../state.js";
import { registerFlow } from "../transfer.js";
import { actions, callout, link, page } from "../ui.js";
import { measurementView, noticeView } from "../views.js";
import { pickerScreen, reviewScreen, sendScreen } from "./photo.js";

registerFlow("measure", {
  endpoint: "api/v1/measure",
  result: "measure/result",
  fields: () => ({ typology: session.typology }),
  done(answer) {
    session.measurement = answer;
  },
});

function measureScreen([step]) {
  if (step === "review")
    return reviewScreen("measure", { title: t("measure.review_title"), checks: t("measure.checks") });
  if (step === "send") return sendScreen("measure", { title: t("measure.sending_title") });
  if (step === "result") return resultScreen();
  return pickerScreen("measure", {
    title: t("measure.title"),
    intro: t("measure.intro"),
    tips: t("measure.tips"),
  });
}

function resultScreen() {
  const measurement = session.measurement;
  if (!measurement) return { redirect: "measure" };
  return page(
    t("measure.result_title"),
    measurementView(measurement),
    callout("info", null, h("p", {}, t("measure.expert"))),
    noticeView(measurement),
    actions(
      link(
        session.identification ? t("common.back_result") : t("common.home"),
        session.identification ? "result" : "home",
        { variant: "primary" },
      ),
      link(t("measure.again"), "measure"),
      link(t("summary.open"), "summary", { iconName: "print" }),
    ),
  );
}

route("measure", measureScreen);
