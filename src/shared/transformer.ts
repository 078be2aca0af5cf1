// The wire transformer shared by the server and every client: Dates stay Dates.
import superjson from 'superjson';

export const transformer = superjson;
