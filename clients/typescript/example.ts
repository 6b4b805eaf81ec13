// A patient's app: look up a doctor, send a text, read the conversation. Compiled by
// `npm run check` (tsc --noEmit), so a change of the API that breaks it breaks the build.
import { createMedMsgClient, type Message } from "./src/index";

export async function consult(baseUrl: string, token: string): Promise<Message[]> {
  const api = createMedMsgClient(baseUrl, token);

  const doctors = await api.GET("/pati_service/manager_service/doctor_list", {
    params: { query: { dept: "内科", accepting: true, page_size: 5 } },
  });
  const doctor = doctors.data?.data?.list?.[0];
  if (doctor?.doctor_id === undefined) {
    throw new Error("no doctor accepts consultations: " + doctors.error?.msg);
  }

  const sent = await api.POST("/msg_service/msg/patient/send_text_msg", {
    body: { doctor_id: doctor.doctor_id, text: "您好，我想咨询一下", client_msg_id: crypto.randomUUID() },
  });
  if (sent.error) {
    // the envelope of an error answer: 409/40902 when the doctor stopped accepting, 429/42901 ...
    throw new Error(`${sent.response.status} ${sent.error.code}: ${sent.error.msg}`);
  }
  const sessionId = sent.data.data?.session_id;
  if (sessionId === undefined) {
    throw new Error("no session");
  }

  const page = await api.GET("/msg_service/msg/patient/msg_list", {
    params: { query: { session_id: sessionId, limit: 20 } },
  });
  return page.data?.data?.list ?? [];
}
