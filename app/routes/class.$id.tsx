import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { ClassroomPage } from "~/components/classroom/ClassroomPage";
import { classPage } from "~/services/classPage.server";
import { requireUser } from "~/session.server";
import { page } from "~/utils/page";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: data ? `${data.class.title} · Lectern` : "Class · Lectern" },
];

export const loader = page(async ({ request, context, params }: LoaderFunctionArgs) => {
  const user = await requireUser(request, context);
  return classPage(context, user, params.id!);
});

/** What the classroom's components get from the loader. */
export type ClassPageData = ReturnType<typeof useLoaderData<typeof loader>>;

export default function ClassRoute() {
  const data = useLoaderData<typeof loader>();
  return <ClassroomPage data={data} />;
}
