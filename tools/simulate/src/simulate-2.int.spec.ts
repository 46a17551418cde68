import { describeCiHalf } from './ci-half';

describeCiHalf(2);
