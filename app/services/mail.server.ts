export { listRecentMail as recentMail } from "../../db/mail";
